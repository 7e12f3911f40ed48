package dev.lucid.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;
import io.grpc.Status;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * Runs requests of one model version on its instances. With {@code dynamic_batching}, a worker
 * that picks up a request waits up to {@code max_queue_delay_microseconds} for more compatible
 * requests (same non-batch shapes and outputs) until {@code max_batch_size} items or a preferred
 * batch size is reached, runs them as one execution and splits the outputs back per request.
 * Each instance ({@code instance_group.count}) is one worker thread with its own ONNX session.
 * When a merged batch fails, its requests are re-run one by one (batch fault isolation), so only
 * the requests that fail on their own are answered with an error.
 */
final class BatchScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);
    /** Queue bound when the config sets none, so a flood of requests cannot exhaust memory. */
    static final int DEFAULT_MAX_QUEUE = 1024;

    private record Pending(ValidatedRequest request, long enqueuedNs, CompletableFuture<Map<String, Tensor>> result) {
    }

    private final ModelConfig config;
    private final List<OnnxModelFile> instances;
    private final ModelStats stats;
    private final LinkedBlockingDeque<Pending> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final boolean dynamic;
    private final long maxDelayNs;
    private final int maxBatch;
    private final java.util.Set<Integer> preferred = new HashSet<>();
    private final Map<String, ModelInput> inputsByName = new HashMap<>();
    private final Map<String, ModelOutput> outputsByName = new HashMap<>();
    private volatile boolean closed;
    private volatile boolean retiring;
    /** Requests accepted and not yet answered: a retiring scheduler closes when it reaches 0. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    BatchScheduler(ModelConfig config, List<OnnxModelFile> instances, ModelStats stats) {
        this.config = config;
        this.instances = List.copyOf(instances);
        this.stats = stats;
        this.dynamic = config.hasDynamicBatching() && config.getMaxBatchSize() > 0;
        this.maxBatch = Math.max(1, config.getMaxBatchSize());
        this.maxDelayNs = TimeUnit.MICROSECONDS.toNanos(config.getDynamicBatching().getMaxQueueDelayMicroseconds());
        this.preferred.addAll(config.getDynamicBatching().getPreferredBatchSizeList());
        int bound = config.getDynamicBatching().getDefaultQueuePolicy().getMaxQueueSize();
        this.queue = new LinkedBlockingDeque<>(bound > 0 ? bound : DEFAULT_MAX_QUEUE);
        config.getInputList().forEach(i -> inputsByName.put(i.getName(), i));
        config.getOutputList().forEach(o -> outputsByName.put(o.getName(), o));
        for (int i = 0; i < this.instances.size(); i++) {
            OnnxModelFile instance = this.instances.get(i);
            Thread t = new Thread(() -> workLoop(instance), "model-" + config.getName() + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Queues a request; the future completes with its outputs or an {@link InferenceException}. */
    CompletableFuture<Map<String, Tensor>> submit(ValidatedRequest request) {
        CompletableFuture<Map<String, Tensor>> f = new CompletableFuture<>();
        if (closed || retiring) {
            f.completeExceptionally(InferenceException.unavailable("model '" + config.getName() + "' is unloading"));
            return f;
        }
        inFlight.incrementAndGet();
        f.whenComplete((r, e) -> inFlight.decrementAndGet());
        if (!queue.offer(new Pending(request, System.nanoTime(), f))) {
            f.completeExceptionally(new InferenceException(Status.Code.RESOURCE_EXHAUSTED,
                    "queue of model '" + config.getName() + "' is full (" + queue.size() + " requests)"));
        }
        return f;
    }

    /** Whether it has stopped taking requests (retiring or closed). */
    boolean stopped() {
        return closed || retiring;
    }

    /** Requests waiting to run. */
    int pending() {
        return queue.size();
    }

    private void workLoop(OnnxModelFile instance) {
        Map<String, java.nio.ByteBuffer> buffers = new HashMap<>(); // this worker's input buffers, reused
        while (!closed) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            execute(instance, batch, buffers);
        }
    }

    private List<Pending> nextBatch() throws InterruptedException {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        List<Pending> batch = new ArrayList<>();
        if (first == null) {
            return batch;
        }
        batch.add(first);
        if (!dynamic) {
            return batch;
        }
        int size = first.request().batchSize();
        long deadline = first.enqueuedNs() + maxDelayNs;
        while (size < maxBatch && !preferred.contains(size)) {
            long wait = deadline - System.nanoTime();
            Pending next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (size + next.request().batchSize() > maxBatch || !compatible(first.request(), next.request())) {
                queue.offerFirst(next); // it starts the next batch
                break;
            }
            batch.add(next);
            size += next.request().batchSize();
        }
        return batch;
    }

    private static boolean compatible(ValidatedRequest a, ValidatedRequest b) {
        if (!a.outputs().equals(b.outputs()) || !a.inputs().keySet().equals(b.inputs().keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : a.inputs().entrySet()) {
            if (!TensorBatching.compatible(e.getValue(), b.inputs().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void execute(OnnxModelFile instance, List<Pending> batch, Map<String, java.nio.ByteBuffer> buffers) {
        long start = System.nanoTime();
        int[] sizes = new int[batch.size()];
        int total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = batch.get(i).request().batchSize();
            total += sizes[i];
        }
        ValidatedRequest first = batch.get(0).request();
        Map<String, OnnxTensor> ortInputs = new LinkedHashMap<>();
        boolean isolate = false;
        try {
            for (Map.Entry<String, Tensor> e : first.inputs().entrySet()) {
                List<Tensor> parts = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    parts.add(p.request().inputs().get(e.getKey()));
                }
                ortInputs.put(e.getKey(), toOrt(instance, e.getKey(), parts, total, buffers));
            }
            long inputDone = System.nanoTime();
            Map<String, Tensor> outputs = instance.run(ortInputs, new HashSet<>(first.outputs()));
            long inferDone = System.nanoTime();
            List<Map<String, Tensor>> perRequest = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                perRequest.add(new LinkedHashMap<>());
            }
            for (String name : first.outputs()) {
                Tensor out = applyOutputShape(outputs.get(name), total);
                List<Tensor> parts = config.getMaxBatchSize() > 0 ? TensorBatching.split(out, sizes) : List.of(out);
                for (int i = 0; i < parts.size(); i++) {
                    perRequest.get(i).put(name, parts.get(i));
                }
            }
            long outputDone = System.nanoTime();
            stats.recordExecution(total, inputDone - start, inferDone - inputDone, outputDone - inferDone);
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                stats.recordSuccess(sizes[i], outputDone - p.enqueuedNs(), start - p.enqueuedNs(),
                        inputDone - start, inferDone - inputDone, outputDone - inferDone);
                p.result().complete(perRequest.get(i));
            }
        } catch (RuntimeException | OrtException e) {
            InferenceException ie = e instanceof InferenceException x ? x
                    : new InferenceException(Status.Code.INTERNAL, "model '" + config.getName() + "' failed: "
                    + e.getMessage(), e);
            if (!(e instanceof InferenceException)) {
                LOG.warnf(e, "execution of model '%s' failed (%d requests)", config.getName(), batch.size());
            }
            isolate = batch.size() > 1; // re-run after this batch's ORT tensors are closed
            long now = System.nanoTime();
            for (int i = 0; i < batch.size() && !isolate; i++) {
                stats.recordFailure(now - batch.get(i).enqueuedNs());
                batch.get(i).result().completeExceptionally(ie);
            }
        } finally {
            ortInputs.values().forEach(OnnxTensor::close);
            if (isolate) {
                // One bad request must not fail its merged neighbours: re-run each alone, so only the bad ones fail.
                stats.recordIsolation();
                for (Pending p : batch) {
                    execute(instance, List.of(p), buffers);
                }
            }
        }
    }

    private OnnxTensor toOrt(OnnxModelFile instance, String name, List<Tensor> parts, int total,
                             Map<String, java.nio.ByteBuffer> buffers) throws OrtException {
        Tensor head = parts.get(0);
        TensorShape apiShape = config.getMaxBatchSize() > 0 ? head.shape().withFirst(total) : head.shape();
        long[] ortShape = apiShape.dims();
        ModelInput decl = inputsByName.get(name);
        if (decl != null && decl.hasReshape()) {
            TensorShape reshaped = TensorShape.of(decl.getReshape().getShapeList());
            ortShape = (config.getMaxBatchSize() > 0 ? reshaped.prepend(total) : reshaped).dims();
        }
        if (head.dataType() == DataType.BYTES) {
            return OrtTensors.create(instance.env(), name, DataType.BYTES, ortShape, null,
                    TensorBatching.concatStrings(parts));
        }
        java.nio.ByteBuffer data = TensorBatching.concatRaw(parts, buffers.get(name));
        buffers.put(name, data);
        return OrtTensors.create(instance.env(), name, head.dataType(), ortShape, data, null);
    }

    /** Applies an output's config reshape: the backend's shape becomes the API's dims. */
    private Tensor applyOutputShape(Tensor t, int total) {
        ModelOutput decl = outputsByName.get(t.name());
        if (decl == null || !decl.hasReshape() || decl.getDimsList().contains(-1L)) {
            return t;
        }
        TensorShape api = TensorShape.of(decl.getDimsList());
        if (config.getMaxBatchSize() > 0) {
            api = api.prepend(total);
        }
        return new Tensor(t.name(), t.dataType(), api, t.rawData());
    }

    /**
     * Stops taking requests; a background thread closes the scheduler once every accepted request has been
     * answered, so requests in flight during a reload or unload finish on this version.
     */
    void retire() {
        retiring = true;
        Thread t = new Thread(() -> {
            while (inFlight.get() > 0 && !closed) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    break;
                }
            }
            close();
        }, "retire-" + config.getName());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(InferenceException.unavailable("model '" + config.getName() + "' unloaded"));
        }
        instances.forEach(OnnxModelFile::close);
    }
}
