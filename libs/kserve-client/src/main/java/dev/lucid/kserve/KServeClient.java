package dev.lucid.kserve;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import inference.ModelConfigOuterClass.ModelConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A typed client for the KServe v2 / Triton gRPC protocol. Works against NVIDIA Triton and against
 * Lucid's inference server. Requests are checked against (cached) model metadata before they are
 * sent; each attempt has a deadline; UNAVAILABLE is retried with exponential backoff.
 */
public final class KServeClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KServeClient.class);
    private static final ScheduledExecutorService RETRY_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kserve-retry");
        t.setDaemon(true);
        return t;
    });

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final ClientOptions options;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub future;
    private final ConcurrentHashMap<String, ModelMetadata> metadataCache = new ConcurrentHashMap<>();
    private final SharedMemoryPool shm;

    /** A client over an existing channel (not closed by {@link #close()}). */
    public KServeClient(ManagedChannel channel, ClientOptions options) {
        this(channel, options, false);
    }

    private KServeClient(ManagedChannel channel, ClientOptions options, boolean ownsChannel) {
        this.channel = channel;
        this.options = options;
        this.ownsChannel = ownsChannel;
        this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withMaxInboundMessageSize(options.maxMessageBytes())
                .withMaxOutboundMessageSize(options.maxMessageBytes());
        this.future = GRPCInferenceServiceGrpc.newFutureStub(channel)
                .withMaxInboundMessageSize(options.maxMessageBytes())
                .withMaxOutboundMessageSize(options.maxMessageBytes());
        java.nio.file.Path shmRoot = java.nio.file.Path.of("/dev/shm");
        this.shm = options.sharedMemoryBytes() > 0 && java.nio.file.Files.isDirectory(shmRoot)
                ? new SharedMemoryPool(blocking, options.deadline().toNanos(), (int) options.sharedMemoryBytes(), shmRoot)
                : null;
    }

    /** Whether requests currently travel through system shared memory (the option is on and the server can use it). */
    public boolean usesSharedMemory() {
        return shm != null && shm.enabled();
    }

    /** Connects in plain text to {@code host:port}; the channel is closed with the client. */
    public static KServeClient connect(String host, int port, ClientOptions options) {
        return connect(host, port, options, Optional.empty());
    }

    /** Connects to {@code host:port}, over TLS when files are given; the channel is closed with the client. */
    public static KServeClient connect(String host, int port, ClientOptions options, Optional<TlsFiles> tls) {
        return new KServeClient(GrpcChannels.open(host, port, options.maxMessageBytes(), tls), options, true);
    }

    /** The options in force. */
    public ClientOptions options() {
        return options;
    }

    /** Whether the server is live. */
    public boolean serverLive() {
        return call("ServerLive", () -> stub().serverLive(GrpcService.ServerLiveRequest.getDefaultInstance()))
                .getLive();
    }

    /** Whether the server is ready. */
    public boolean serverReady() {
        return call("ServerReady", () -> stub().serverReady(GrpcService.ServerReadyRequest.getDefaultInstance()))
                .getReady();
    }

    /** Whether a model is ready. */
    public boolean modelReady(String model) {
        return call("ModelReady", () -> stub().modelReady(
                GrpcService.ModelReadyRequest.newBuilder().setName(model).build())).getReady();
    }

    /** Server name, version and extensions. */
    public GrpcService.ServerMetadataResponse serverMetadata() {
        return call("ServerMetadata", () -> stub().serverMetadata(
                GrpcService.ServerMetadataRequest.getDefaultInstance()));
    }

    /** A model's metadata (cached per client). */
    public ModelMetadata modelMetadata(String model) {
        ModelMetadata cached = metadataCache.get(model);
        if (cached != null) {
            return cached;
        }
        ModelMetadata m = ModelMetadata.fromProto(call("ModelMetadata", () -> stub().modelMetadata(
                GrpcService.ModelMetadataRequest.newBuilder().setName(model).build())));
        metadataCache.put(model, m);
        return m;
    }

    /** A model's configuration (Triton extension). */
    public ModelConfig modelConfig(String model) {
        return call("ModelConfig", () -> stub().modelConfig(
                GrpcService.ModelConfigRequest.newBuilder().setName(model).build())).getConfig();
    }

    /** Statistics of one model, or of all when {@code model} is empty. */
    public List<GrpcService.ModelStatistics> modelStatistics(String model) {
        return call("ModelStatistics", () -> stub().modelStatistics(
                GrpcService.ModelStatisticsRequest.newBuilder().setName(model).build())).getModelStatsList();
    }

    /** The repository index with each model's state and reason. */
    public List<GrpcService.RepositoryIndexResponse.ModelIndex> repositoryIndex() {
        return call("RepositoryIndex", () -> stub().repositoryIndex(
                GrpcService.RepositoryIndexRequest.getDefaultInstance())).getModelsList();
    }

    /** Runs one inference, blocking. */
    public InferenceResult infer(InferenceRequest request) {
        SharedMemoryPool.Placed placed = placeInSharedMemory(request);
        if (placed != null) {
            GrpcService.ModelInferResponse r;
            try {
                r = call("ModelInfer", () -> stub().modelInfer(placed.request()));
            } catch (RuntimeException e) {
                shm.release(placed.region());
                throw e;
            }
            return shm.read(placed, r);
        }
        GrpcService.ModelInferRequest proto = prepare(request);
        return InferenceResult.fromProto(call("ModelInfer", () -> stub().modelInfer(proto)));
    }

    /**
     * The request placed in a shared memory region, or null when the option is off, the server cannot
     * use it, or the request does not fit. Outputs go in the region when metadata fixes their byte size.
     */
    private SharedMemoryPool.Placed placeInSharedMemory(InferenceRequest request) {
        if (shm == null || !shm.enabled()) {
            return null;
        }
        ModelMetadata md = modelMetadata(request.model());
        if (options.validateRequests()) {
            md.validate(request);
        }
        long batch = request.inputs().isEmpty() || request.inputs().get(0).shape().rank() == 0 ? 1
                : request.inputs().get(0).shape().dim(0);
        List<String> outputs = request.requestedOutputs().isEmpty()
                ? md.outputs().stream().map(TensorSpec::name).toList() : request.requestedOutputs();
        java.util.Map<String, Long> bytes = new java.util.LinkedHashMap<>();
        for (String o : outputs) {
            md.output(o).ifPresent(spec -> {
                long n = spec.dataType().isFixedSize() ? spec.dataType().byteSize() : -1;
                for (int i = 0; i < spec.shape().rank() && n > 0; i++) {
                    long d = spec.shape().dim(i);
                    n = d >= 0 ? n * d : i == 0 ? n * batch : -1; // a leading -1 is the batch dimension
                }
                if (n >= 0) {
                    bytes.put(o, n);
                }
            });
        }
        return shm.place(request, outputs, bytes);
    }

    /** Runs one inference without blocking the caller; retries are scheduled, not slept. */
    public CompletableFuture<InferenceResult> inferAsync(InferenceRequest request) {
        GrpcService.ModelInferRequest proto;
        SharedMemoryPool.Placed placed;
        try {
            placed = placeInSharedMemory(request);
            proto = placed != null ? placed.request() : prepare(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<GrpcService.ModelInferResponse> response = new CompletableFuture<>();
        attemptAsync(proto, 1, options.initialBackoff(), response);
        return response.handle((r, e) -> {
            if (e != null) {
                if (placed != null) {
                    shm.release(placed.region());
                }
                throw e instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(e);
            }
            return placed != null ? shm.read(placed, r) : InferenceResult.fromProto(r);
        });
    }

    private void attemptAsync(GrpcService.ModelInferRequest proto, int attempt, Duration backoff,
                              CompletableFuture<GrpcService.ModelInferResponse> result) {
        ListenableFuture<GrpcService.ModelInferResponse> f = future
                .withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS)
                .modelInfer(proto);
        Futures.addCallback(f, new FutureCallback<>() {
            @Override
            public void onSuccess(GrpcService.ModelInferResponse r) {
                result.complete(r);
            }

            @Override
            public void onFailure(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNAVAILABLE && attempt < options.maxAttempts()) {
                    RETRY_TIMER.schedule(() -> attemptAsync(proto, attempt + 1, next(backoff), result),
                            backoff.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    result.completeExceptionally(toException("ModelInfer", status, t));
                }
            }
        }, MoreExecutors.directExecutor());
    }

    private GrpcService.ModelInferRequest prepare(InferenceRequest request) {
        if (options.validateRequests()) {
            modelMetadata(request.model()).validate(request);
        }
        return request.toProto();
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub() {
        return blocking.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    private <T> T call(String rpc, Supplier<T> attempt) {
        Duration backoff = options.initialBackoff();
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || i >= options.maxAttempts()) {
                    throw toException(rpc, e.getStatus(), e);
                }
                LOG.debugf("%s unavailable (attempt %d of %d), retrying in %d ms", rpc, i, options.maxAttempts(),
                        backoff.toMillis());
                sleep(backoff);
                backoff = next(backoff);
            }
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : doubled;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new KServeException(Status.Code.CANCELLED, "interrupted while backing off", ie);
        }
    }

    private static KServeException toException(String rpc, Status status, Throwable cause) {
        String desc = status.getDescription() == null ? "" : status.getDescription();
        return new KServeException(status.getCode(), rpc + " failed: " + desc, cause);
    }

    @Override
    public void close() {
        if (shm != null) {
            shm.close();
        }
        if (ownsChannel) {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
