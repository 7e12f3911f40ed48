package dev.lucid.runtime;

import com.google.protobuf.TextFormat;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Reads a model's config.pbtxt (protobuf text format) and checks what Triton would reject. */
public final class ModelConfigParser {
    /** Largest config.pbtxt accepted; real configs are a few kB. */
    static final long MAX_CONFIG_BYTES = 1 << 20;

    private ModelConfigParser() {
    }

    /**
     * Parses {@code <modelDir>/config.pbtxt}; a missing file yields a config with only the name (to be
     * completed from the model file, as Triton's auto-complete does).
     */
    public static ModelConfig read(Path modelDir) throws ModelLoadException {
        String dirName = modelDir.getFileName().toString();
        Path file = modelDir.resolve("config.pbtxt");
        String text = "";
        if (Files.exists(file)) {
            try {
                if (Files.size(file) > MAX_CONFIG_BYTES) {
                    throw new ModelLoadException("config.pbtxt is larger than " + MAX_CONFIG_BYTES + " bytes");
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ModelLoadException("cannot read config.pbtxt: " + e.getMessage(), e);
            }
        }
        return parse(text, dirName);
    }

    /** Parses and checks the text of a {@code config.pbtxt} for the model directory {@code dirName}. */
    static ModelConfig parse(String text, String dirName) throws ModelLoadException {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        try {
            TextFormat.getParser().merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new ModelLoadException("invalid config.pbtxt: " + e.getMessage(), e);
        }
        if (b.getName().isEmpty()) {
            b.setName(dirName);
        } else if (!b.getName().equals(dirName)) {
            throw new ModelLoadException("config name '" + b.getName() + "' does not match model directory '"
                    + dirName + "'");
        }
        ModelConfig config = b.build();
        check(config);
        return config;
    }

    static void check(ModelConfig c) throws ModelLoadException {
        if (c.getMaxBatchSize() < 0) {
            throw new ModelLoadException("max_batch_size must be >= 0, got " + c.getMaxBatchSize());
        }
        boolean onnx = c.getPlatform().isEmpty() || c.getPlatform().equals("onnxruntime_onnx");
        boolean backendOk = c.getBackend().isEmpty() || c.getBackend().equals("onnxruntime");
        if (!onnx || !backendOk) {
            throw new ModelLoadException("unsupported platform '" + c.getPlatform() + "' / backend '" + c.getBackend()
                    + "': this server runs ONNX models (platform onnxruntime_onnx, backend onnxruntime)");
        }
        if (c.hasSequenceBatching() || c.hasEnsembleScheduling()) {
            throw new ModelLoadException("sequence batching and ensembles are not supported by this server");
        }
        Set<String> names = new HashSet<>();
        for (ModelInput in : c.getInputList()) {
            checkTensor("input", in.getName(), in.getDataType(), in.getDimsList(), names);
            if (in.hasReshape()) {
                checkReshape("input", in.getName(), in.getDimsList(), in.getReshape().getShapeList());
            }
        }
        names.clear();
        for (ModelOutput out : c.getOutputList()) {
            checkTensor("output", out.getName(), out.getDataType(), out.getDimsList(), names);
            if (out.hasReshape()) {
                checkReshape("output", out.getName(), out.getDimsList(), out.getReshape().getShapeList());
            }
        }
        for (var g : c.getInstanceGroupList()) {
            if (g.getCount() < 0 || g.getCount() > 64) {
                throw new ModelLoadException("instance_group count must be in 0..64, got " + g.getCount());
            }
        }
        if (c.hasDynamicBatching() && c.getMaxBatchSize() == 0) {
            throw new ModelLoadException("dynamic_batching needs max_batch_size > 0");
        }
    }

    private static void checkTensor(String kind, String name, inference.ModelConfigOuterClass.DataType type,
                                    java.util.List<Long> dims, Set<String> names) throws ModelLoadException {
        if (name.isEmpty()) {
            throw new ModelLoadException(kind + " without a name");
        }
        if (!names.add(name)) {
            throw new ModelLoadException(kind + " '" + name + "' declared twice");
        }
        if (type == inference.ModelConfigOuterClass.DataType.TYPE_INVALID) {
            throw new ModelLoadException(kind + " '" + name + "' has no data_type");
        }
        for (long d : dims) {
            if (d < -1) {
                throw new ModelLoadException(kind + " '" + name + "' has invalid dimension " + d);
            }
        }
    }

    private static void checkReshape(String kind, String name, java.util.List<Long> dims,
                                     java.util.List<Long> reshape) throws ModelLoadException {
        if (dims.contains(-1L) || reshape.contains(-1L)) {
            return; // variable sizes are checked per request
        }
        long a = 1;
        long b = 1;
        for (long d : dims) {
            a *= d;
        }
        for (long d : reshape) {
            b *= d;
        }
        if (a != b) {
            throw new ModelLoadException(kind + " '" + name + "' reshape " + reshape + " has " + b
                    + " elements but dims " + dims + " have " + a);
        }
    }
}
