package dev.lucid.kserve;

import inference.ModelConfigOuterClass.ModelConfig;

import java.util.List;

/**
 * The serving settings of a Triton model config: how many instances run, how requests are batched and queued,
 * warm-up, versions served, metrics and thread counts. They decide how fast a model answers, never what it answers,
 * and a server may size some of them to its own cores (an instance group without {@code count}), so they are
 * {@linkplain #strip stripped} before a config enters a fingerprint: one model gives the same image and score keys on
 * a 2-core laptop and on a 64-core host.
 */
public final class ServingSettings {
    /** Backend parameters that size thread pools. */
    static final List<String> THREAD_PARAMETERS = List.of("intra_op_thread_count", "inter_op_thread_count");

    private ServingSettings() {
    }

    /** The config without its serving settings; what remains decides the model's outputs. */
    public static ModelConfig strip(ModelConfig config) {
        ModelConfig.Builder b = config.toBuilder().clearVersionPolicy().clearInstanceGroup().clearModelWarmup()
                .clearResponseCache().clearMetricTags().clearModelMetrics();
        if (config.hasDynamicBatching()) {
            b.clearDynamicBatching();
        }
        THREAD_PARAMETERS.forEach(b::removeParameters);
        return b.build();
    }
}
