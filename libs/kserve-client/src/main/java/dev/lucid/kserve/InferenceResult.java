package dev.lucid.kserve;

import inference.GrpcService.ModelInferResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** The outputs of one inference, by name. */
public record InferenceResult(String model, String version, String id, Map<String, Tensor> outputs) {

    /** Decodes the wire response (raw outputs, as Triton sends them, or typed contents). */
    public static InferenceResult fromProto(ModelInferResponse r) {
        Map<String, Tensor> outs = new LinkedHashMap<>();
        for (Tensor t : TensorCodec.decodeOutputs(r)) {
            outs.put(t.name(), t);
        }
        return new InferenceResult(r.getModelName(), r.getModelVersion(), r.getId(), Map.copyOf(outs));
    }

    /** The output with this name. */
    public Tensor output(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no output '" + name + "' in response of model '" + model
                    + "'; outputs are " + outputs.keySet());
        }
        return t;
    }
}
