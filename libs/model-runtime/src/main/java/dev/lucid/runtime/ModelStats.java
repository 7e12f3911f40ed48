package dev.lucid.runtime;

import inference.GrpcService;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative statistics of one model version with Triton's meaning: per request (success, fail,
 * queue, and compute input/infer/output of the successful ones: each request of a merged batch is
 * credited the whole execution's durations, so compute counts equal the success count), inference
 * count (batch items), execution count (batches) and per-batch-size executions. Backs both the
 * ModelStatistics RPC and the Prometheus metrics.
 */
public final class ModelStats {
    /** A cumulative count and duration. */
    public static final class Duration {
        private final LongAdder count = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        void add(long ns) {
            count.increment();
            nanos.add(ns);
        }

        public long count() {
            return count.sum();
        }

        public long nanos() {
            return nanos.sum();
        }

        GrpcService.StatisticDuration toProto() {
            return GrpcService.StatisticDuration.newBuilder().setCount(count()).setNs(nanos()).build();
        }
    }

    private static final class BatchStat {
        final Duration input = new Duration();
        final Duration infer = new Duration();
        final Duration output = new Duration();
    }

    public final Duration success = new Duration();
    public final Duration fail = new Duration();
    public final Duration queue = new Duration();
    public final Duration computeInput = new Duration();
    public final Duration computeInfer = new Duration();
    public final Duration computeOutput = new Duration();
    private final LongAdder inferenceCount = new LongAdder();
    private final LongAdder executionCount = new LongAdder();
    private final LongAdder isolations = new LongAdder();
    private final AtomicLong lastInferenceMs = new AtomicLong();
    private final ConcurrentHashMap<Integer, BatchStat> byBatchSize = new ConcurrentHashMap<>();

    /** Records one model execution of {@code batchSize} items (the per-batch-size statistics). */
    void recordExecution(int batchSize, long inputNs, long inferNs, long outputNs) {
        executionCount.increment();
        BatchStat b = byBatchSize.computeIfAbsent(batchSize, k -> new BatchStat());
        b.input.add(inputNs);
        b.infer.add(inferNs);
        b.output.add(outputNs);
    }

    /**
     * Records one finished request of {@code batchSize} items and the compute durations of the
     * execution that served it.
     */
    void recordSuccess(int batchSize, long totalNs, long queueNs, long inputNs, long inferNs, long outputNs) {
        inferenceCount.add(batchSize);
        success.add(totalNs);
        queue.add(queueNs);
        computeInput.add(inputNs);
        computeInfer.add(inferNs);
        computeOutput.add(outputNs);
        lastInferenceMs.set(System.currentTimeMillis());
    }

    /** Records one failed request. */
    void recordFailure(long totalNs) {
        fail.add(totalNs);
        lastInferenceMs.set(System.currentTimeMillis());
    }

    /** Records that a failed merged batch was re-run request by request. */
    void recordIsolation() {
        isolations.increment();
    }

    /** Failed merged batches whose requests were re-run one by one. */
    public long isolationCount() {
        return isolations.sum();
    }

    /** Batch items inferred successfully. */
    public long inferenceCount() {
        return inferenceCount.sum();
    }

    /** Model executions run. */
    public long executionCount() {
        return executionCount.sum();
    }

    /** Executions per batch size. */
    public Map<Integer, Long> executionsByBatchSize() {
        Map<Integer, Long> m = new TreeMap<>();
        byBatchSize.forEach((k, v) -> m.put(k, v.infer.count()));
        return m;
    }

    /** The statistics as the ModelStatistics RPC reports them. */
    public GrpcService.ModelStatistics toProto(String name, String version) {
        GrpcService.ModelStatistics.Builder b = GrpcService.ModelStatistics.newBuilder()
                .setName(name)
                .setVersion(version)
                .setLastInference(lastInferenceMs.get())
                .setInferenceCount(inferenceCount())
                .setExecutionCount(executionCount())
                .setInferenceStats(GrpcService.InferStatistics.newBuilder()
                        .setSuccess(success.toProto())
                        .setFail(fail.toProto())
                        .setQueue(queue.toProto())
                        .setComputeInput(computeInput.toProto())
                        .setComputeInfer(computeInfer.toProto())
                        .setComputeOutput(computeOutput.toProto())
                        .setCacheHit(GrpcService.StatisticDuration.getDefaultInstance())
                        .setCacheMiss(GrpcService.StatisticDuration.getDefaultInstance()));
        new TreeMap<>(byBatchSize).forEach((size, s) -> b.addBatchStats(GrpcService.InferBatchStatistics.newBuilder()
                .setBatchSize(size)
                .setComputeInput(s.input.toProto())
                .setComputeInfer(s.infer.toProto())
                .setComputeOutput(s.output.toProto())));
        return b.build();
    }
}
