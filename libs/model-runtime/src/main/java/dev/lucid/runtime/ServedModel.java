package dev.lucid.runtime;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One loaded model version: its effective config, its scheduler and its statistics. */
public final class ServedModel implements AutoCloseable {
    private final String version;
    private final ModelConfig config;
    private final BatchScheduler scheduler;
    private final ModelStats stats = new ModelStats();
    private final String sha256;

    ServedModel(String version, ModelConfig config, List<OnnxModelFile> instances, String sha256) {
        this.version = version;
        this.config = config;
        this.sha256 = sha256;
        this.scheduler = new BatchScheduler(config, instances, stats);
    }

    public String name() {
        return config.getName();
    }

    public String version() {
        return version;
    }

    /** The effective (auto-completed) config. */
    public ModelConfig config() {
        return config;
    }

    public ModelStats stats() {
        return stats;
    }

    /** Content hash of the version (every file, weights included), as its config's lucid_content_sha256 states. */
    public String sha256() {
        return sha256;
    }

    /** Requests waiting in the scheduler queue. */
    public int pending() {
        return scheduler.pending();
    }

    /** Input metadata with the batch dimension (-1) when the model batches, as ModelMetadata reports it. */
    public List<TensorSpec> inputSpecs() {
        List<TensorSpec> l = new ArrayList<>();
        for (ModelInput in : config.getInputList()) {
            l.add(new TensorSpec(in.getName(), DataType.fromConfig(in.getDataType()), apiShape(in.getDimsList())));
        }
        return l;
    }

    /** Output metadata with the batch dimension (-1) when the model batches. */
    public List<TensorSpec> outputSpecs() {
        List<TensorSpec> l = new ArrayList<>();
        for (ModelOutput out : config.getOutputList()) {
            l.add(new TensorSpec(out.getName(), DataType.fromConfig(out.getDataType()), apiShape(out.getDimsList())));
        }
        return l;
    }

    private TensorShape apiShape(List<Long> dims) {
        TensorShape s = TensorShape.of(dims);
        return config.getMaxBatchSize() > 0 ? s.prepend(-1) : s;
    }

    /**
     * Validates and queues a request. Validation errors are thrown at once; execution errors
     * complete the future exceptionally.
     */
    public CompletableFuture<Map<String, Tensor>> infer(List<Tensor> inputs, List<String> requestedOutputs) {
        ValidatedRequest r = RequestValidator.validate(config, inputs, requestedOutputs);
        return scheduler.submit(r);
    }

    /** Whether this version has stopped taking requests (it was unloaded, or a reload replaced it). */
    boolean stopped() {
        return scheduler.stopped();
    }

    /** Stops taking requests and closes once the accepted ones have finished (an unload or a reload). */
    void retire() {
        scheduler.retire();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
