package dev.lucid.runtime;

import dev.lucid.kserve.TensorSpec;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelDynamicBatching;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelInstanceGroup;
import inference.ModelConfigOuterClass.ModelOutput;

import java.util.List;
import java.util.Map;

/**
 * Completes a config from the ONNX graph as Triton's ONNX backend does, and checks that the
 * declared tensors exist in the graph with the same datatype and compatible shapes.
 */
final class ConfigCompleter {
    /** Triton's default max_batch_size when it auto-completes a batchable ONNX model. */
    static final int DEFAULT_MAX_BATCH_SIZE = 4;

    private ConfigCompleter() {
    }

    static ModelConfig complete(ModelConfig config, List<TensorSpec> graphInputs, List<TensorSpec> graphOutputs)
            throws ModelLoadException {
        ModelConfig.Builder b = config.toBuilder();
        if (b.getPlatform().isEmpty() && b.getBackend().isEmpty()) {
            b.setPlatform("onnxruntime_onnx");
        }
        boolean declared = config.getInputCount() > 0 || config.getOutputCount() > 0;
        if (!declared && config.getMaxBatchSize() == 0 && allBatchable(graphInputs) && allBatchable(graphOutputs)) {
            b.setMaxBatchSize(DEFAULT_MAX_BATCH_SIZE);
            if (!b.hasDynamicBatching()) {
                b.setDynamicBatching(ModelDynamicBatching.getDefaultInstance());
            }
        }
        int batchDims = b.getMaxBatchSize() > 0 ? 1 : 0;
        if (config.getInputCount() == 0) {
            for (TensorSpec s : graphInputs) {
                b.addInput(ModelInput.newBuilder().setName(s.name()).setDataType(s.dataType().configType())
                        .addAllDims(tail(s.shape().dims(), batchDims)));
            }
        }
        if (config.getOutputCount() == 0) {
            for (TensorSpec s : graphOutputs) {
                b.addOutput(ModelOutput.newBuilder().setName(s.name()).setDataType(s.dataType().configType())
                        .addAllDims(tail(s.shape().dims(), batchDims)));
            }
        }
        if (b.getMaxBatchSize() > 1 && !b.hasDynamicBatching() && !b.hasSequenceBatching()) {
            // Triton enables the dynamic batcher by default for batchable models.
            b.setDynamicBatching(ModelDynamicBatching.getDefaultInstance());
        }
        if (b.getInstanceGroupCount() == 0) {
            b.addInstanceGroup(ModelInstanceGroup.newBuilder().setName(b.getName())
                    .setKind(ModelInstanceGroup.Kind.KIND_CPU).setCount(1));
        }
        ModelConfig done = b.build();
        crossCheck(done, graphInputs, graphOutputs);
        return done;
    }

    private static boolean allBatchable(List<TensorSpec> specs) {
        return !specs.isEmpty() && specs.stream().allMatch(s -> s.shape().rank() > 0 && s.shape().dim(0) < 0);
    }

    private static List<Long> tail(long[] dims, int skip) {
        List<Long> l = new java.util.ArrayList<>();
        for (int i = skip; i < dims.length; i++) {
            l.add(dims[i]);
        }
        return l;
    }

    private static void crossCheck(ModelConfig c, List<TensorSpec> graphInputs, List<TensorSpec> graphOutputs)
            throws ModelLoadException {
        Map<String, TensorSpec> ins = OnnxModelFile.byName(graphInputs);
        Map<String, TensorSpec> outs = OnnxModelFile.byName(graphOutputs);
        int batchDims = c.getMaxBatchSize() > 0 ? 1 : 0;
        for (ModelInput in : c.getInputList()) {
            TensorSpec g = ins.get(in.getName());
            if (g == null) {
                throw new ModelLoadException("config input '" + in.getName() + "' is not an input of the model; "
                        + "model inputs are " + ins.keySet());
            }
            check("input", in.getName(), in.getDataType(), in.hasReshape() ? in.getReshape().getShapeList()
                    : in.getDimsList(), g, batchDims);
        }
        for (ModelOutput out : c.getOutputList()) {
            TensorSpec g = outs.get(out.getName());
            if (g == null) {
                throw new ModelLoadException("config output '" + out.getName() + "' is not an output of the model; "
                        + "model outputs are " + outs.keySet());
            }
            check("output", out.getName(), out.getDataType(), out.hasReshape() ? out.getReshape().getShapeList()
                    : out.getDimsList(), g, batchDims);
        }
        for (TensorSpec g : graphInputs) {
            if (c.getInputList().stream().noneMatch(i -> i.getName().equals(g.name()))) {
                throw new ModelLoadException("model input '" + g.name() + "' is missing from the config");
            }
        }
    }

    private static void check(String kind, String name, inference.ModelConfigOuterClass.DataType type,
                              List<Long> dims, TensorSpec graph, int batchDims) throws ModelLoadException {
        if (graph.dataType().configType() != type) {
            throw new ModelLoadException("config " + kind + " '" + name + "' is " + type + " but the model has "
                    + graph.dataType().configType());
        }
        long[] g = graph.shape().dims();
        if (g.length != dims.size() + batchDims) {
            throw new ModelLoadException("config " + kind + " '" + name + "' has " + dims.size() + " dims"
                    + (batchDims > 0 ? " (+ batch)" : "") + " but the model's tensor has rank " + g.length);
        }
        if (batchDims > 0 && g[0] >= 0 && g[0] != 1) {
            throw new ModelLoadException("config sets max_batch_size > 0 but model " + kind + " '" + name
                    + "' has a fixed first dimension " + g[0]);
        }
        for (int i = 0; i < dims.size(); i++) {
            long m = g[i + batchDims];
            long d = dims.get(i);
            if (m >= 0 && d >= 0 && m != d) {
                throw new ModelLoadException("config " + kind + " '" + name + "' dim " + i + " is " + d
                        + " but the model has " + m);
            }
        }
    }
}
