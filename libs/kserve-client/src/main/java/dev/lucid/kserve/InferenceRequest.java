package dev.lucid.kserve;

import inference.GrpcService.InferParameter;
import inference.GrpcService.ModelInferRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An inference request: model, inputs, requested outputs and parameters. */
public record InferenceRequest(String model, String version, String id, List<Tensor> inputs,
                               List<String> requestedOutputs, Map<String, InferParameter> parameters) {

    public InferenceRequest {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model name is required");
        }
        version = version == null ? "" : version;
        id = id == null ? "" : id;
        inputs = List.copyOf(inputs);
        requestedOutputs = List.copyOf(requestedOutputs);
        parameters = Map.copyOf(parameters);
    }

    /** A builder for a model. */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** The wire message, with all inputs in raw form. */
    public ModelInferRequest toProto() {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setId(id)
                .putAllParameters(parameters);
        for (Tensor t : inputs) {
            TensorCodec.addRawInput(b, t);
        }
        for (String o : requestedOutputs) {
            b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(o));
        }
        return b.build();
    }

    /** Builds requests. */
    public static final class Builder {
        private final String model;
        private String version = "";
        private String id = "";
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private final Map<String, InferParameter> parameters = new LinkedHashMap<>();

        private Builder(String model) {
            this.model = model;
        }

        public Builder version(String v) {
            this.version = v;
            return this;
        }

        public Builder id(String v) {
            this.id = v;
            return this;
        }

        public Builder input(Tensor t) {
            inputs.add(t);
            return this;
        }

        /** Asks for one output; with none requested, the server returns all. */
        public Builder output(String name) {
            outputs.add(name);
            return this;
        }

        public Builder parameter(String key, String value) {
            parameters.put(key, InferParameter.newBuilder().setStringParam(value).build());
            return this;
        }

        public Builder parameter(String key, long value) {
            parameters.put(key, InferParameter.newBuilder().setInt64Param(value).build());
            return this;
        }

        public Builder parameter(String key, boolean value) {
            parameters.put(key, InferParameter.newBuilder().setBoolParam(value).build());
            return this;
        }

        public InferenceRequest build() {
            return new InferenceRequest(model, version, id, inputs, outputs, parameters);
        }
    }
}
