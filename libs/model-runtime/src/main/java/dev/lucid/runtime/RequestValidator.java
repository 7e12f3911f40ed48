package dev.lucid.runtime;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an inference request against a model config the way Triton does: known input names,
 * datatypes, shapes with the batch dimension, batch size within max_batch_size, required inputs,
 * known outputs. Every refusal names the tensor and the mismatch.
 */
public final class RequestValidator {
    private RequestValidator() {
    }

    public static ValidatedRequest validate(ModelConfig config, List<Tensor> inputs, List<String> requestedOutputs) {
        String model = config.getName();
        Map<String, ModelInput> declared = new LinkedHashMap<>();
        for (ModelInput in : config.getInputList()) {
            declared.put(in.getName(), in);
        }
        boolean batching = config.getMaxBatchSize() > 0;
        Map<String, Tensor> byName = new LinkedHashMap<>();
        int batch = -1;
        for (Tensor t : inputs) {
            ModelInput in = declared.get(t.name());
            if (in == null) {
                throw InferenceException.invalid("unexpected inference input '" + t.name() + "' for model '" + model
                        + "'; model inputs are " + declared.keySet());
            }
            if (byName.put(t.name(), t) != null) {
                throw InferenceException.invalid("input '" + t.name() + "' given more than once for model '" + model + "'");
            }
            DataType expected = DataType.fromConfig(in.getDataType());
            if (t.dataType() != expected) {
                throw InferenceException.invalid("inference input '" + t.name() + "' data-type is '"
                        + t.dataType().wireName() + "', but model '" + model + "' expects '" + expected.wireName() + "'");
            }
            TensorShape pattern = TensorShape.of(in.getDimsList());
            if (batching) {
                pattern = pattern.prepend(-1);
            }
            if (!t.shape().matches(pattern)) {
                throw InferenceException.invalid("unexpected shape for input '" + t.name() + "' for model '" + model
                        + "'. Expected " + pattern + ", got " + t.shape());
            }
            if (batching) {
                int b = (int) Math.min(Integer.MAX_VALUE, t.shape().dim(0));
                if (b < 1 || b > config.getMaxBatchSize()) {
                    throw InferenceException.invalid("inference request batch-size must be <= "
                            + config.getMaxBatchSize() + " (and >= 1) for '" + model + "', input '" + t.name()
                            + "' has batch dimension " + t.shape().dim(0));
                }
                if (batch >= 0 && b != batch) {
                    throw InferenceException.invalid("input '" + t.name() + "' has batch size " + b
                            + " but other inputs of the request have " + batch);
                }
                batch = b;
            }
        }
        for (ModelInput in : declared.values()) {
            if (!in.getOptional() && !byName.containsKey(in.getName())) {
                throw InferenceException.invalid("input '" + in.getName() + "' is required by model '" + model
                        + "' but missing from the request");
            }
        }
        List<String> outputs = new ArrayList<>();
        if (requestedOutputs.isEmpty()) {
            for (ModelOutput o : config.getOutputList()) {
                outputs.add(o.getName());
            }
        } else {
            for (String o : requestedOutputs) {
                if (config.getOutputList().stream().noneMatch(d -> d.getName().equals(o))) {
                    throw InferenceException.invalid("unexpected inference output '" + o + "' for model '" + model + "'");
                }
                if (!outputs.contains(o)) {
                    outputs.add(o);
                }
            }
        }
        return new ValidatedRequest(byName, batching ? Math.max(batch, 1) : 1, List.copyOf(outputs));
    }
}
