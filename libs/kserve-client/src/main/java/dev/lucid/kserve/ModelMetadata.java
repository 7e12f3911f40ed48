package dev.lucid.kserve;

import inference.GrpcService.ModelMetadataResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A model's metadata, used to check requests before they are sent. */
public record ModelMetadata(String name, List<String> versions, String platform,
                            List<TensorSpec> inputs, List<TensorSpec> outputs) {

    /** Converts the wire response. */
    public static ModelMetadata fromProto(ModelMetadataResponse r) {
        return new ModelMetadata(r.getName(), List.copyOf(r.getVersionsList()), r.getPlatform(),
                specs(r.getInputsList()), specs(r.getOutputsList()));
    }

    private static List<TensorSpec> specs(List<ModelMetadataResponse.TensorMetadata> list) {
        List<TensorSpec> out = new ArrayList<>(list.size());
        for (ModelMetadataResponse.TensorMetadata t : list) {
            DataType type;
            try {
                type = DataType.fromWire(t.getDatatype());
            } catch (IllegalArgumentException e) {
                throw new TensorFormatException("metadata tensor '" + t.getName() + "': " + e.getMessage());
            }
            out.add(new TensorSpec(t.getName(), type, TensorShape.of(t.getShapeList())));
        }
        return List.copyOf(out);
    }

    /** The input with this name. */
    public Optional<TensorSpec> input(String inputName) {
        return inputs.stream().filter(s -> s.name().equals(inputName)).findFirst();
    }

    /** The output with this name. */
    public Optional<TensorSpec> output(String outputName) {
        return outputs.stream().filter(s -> s.name().equals(outputName)).findFirst();
    }

    /**
     * Checks a request's inputs and requested outputs against this metadata: every input known and
     * given once, datatypes equal, shapes of the same rank matching the pattern, every input present
     * (metadata does not mark optional inputs, so all are required), requested outputs known.
     *
     * @throws TensorFormatException naming the first tensor that does not fit
     */
    public void validate(InferenceRequest request) {
        Map<String, TensorSpec> byName = new HashMap<>();
        for (TensorSpec s : inputs) {
            byName.put(s.name(), s);
        }
        Set<String> seen = new HashSet<>();
        for (Tensor t : request.inputs()) {
            TensorSpec spec = byName.get(t.name());
            if (spec == null) {
                throw new TensorFormatException("model '" + name + "' has no input '" + t.name() + "'; inputs are "
                        + byName.keySet());
            }
            if (!seen.add(t.name())) {
                throw new TensorFormatException("input '" + t.name() + "' given twice");
            }
            if (spec.dataType() != t.dataType()) {
                throw new TensorFormatException("input '" + t.name() + "' of model '" + name + "' must be "
                        + spec.dataType().wireName() + ", got " + t.dataType().wireName());
            }
            if (!t.shape().matches(spec.shape())) {
                throw new TensorFormatException("input '" + t.name() + "' of model '" + name + "' has shape "
                        + t.shape() + ", expected " + spec.shape());
            }
        }
        for (TensorSpec s : inputs) {
            if (!seen.contains(s.name())) {
                throw new TensorFormatException("model '" + name + "' needs input '" + s.name() + "'");
            }
        }
        for (String out : request.requestedOutputs()) {
            if (output(out).isEmpty()) {
                throw new TensorFormatException("model '" + name + "' has no output '" + out + "'");
            }
        }
    }
}
