package dev.lucid.runtime;

import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorCodec;
import dev.lucid.kserve.TensorFormatException;
import dev.lucid.kserve.TensorSpec;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The KServe v2 / Triton gRPC endpoints. Inference never blocks the gRPC thread: the request is
 * decoded and validated, queued on the model's scheduler, and answered from the worker that ran it.
 * System shared memory is served when a registry is given. RPCs this server does not offer (CUDA shared
 * memory, trace and log settings, streaming) answer UNIMPLEMENTED through the generated base class.
 */
public final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final Logger LOG = Logger.getLogger(InferenceGrpcService.class);
    /** Server version reported by ServerMetadata. */
    public static final String VERSION = "0.1.0";
    /** Triton extensions this service implements by itself: ModelConfig and ModelStatistics. */
    public static final List<String> BASE_EXTENSIONS = List.of("model_configuration", "statistics");

    private final ModelRepository repository;
    private final String serverName;
    private final List<String> extensions;
    private final SharedMemoryRegistry shm;
    private final boolean explicitModelControl;
    /** Loads run here, not on the transport thread that received the call (opening a model takes seconds). */
    private final java.util.concurrent.ExecutorService control = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-control");
        t.setDaemon(true);
        return t;
    });

    /** Serves a loaded repository under a server name. */
    public InferenceGrpcService(ModelRepository repository, String serverName) {
        this(repository, serverName, BASE_EXTENSIONS, null, false);
    }

    /**
     * Serves a loaded repository; {@code extensions} are what ServerMetadata advertises, so a server that
     * adds endpoints (HTTP's binary tensors, shared memory) lists exactly what it implements.
     */
    public InferenceGrpcService(ModelRepository repository, String serverName, List<String> extensions,
                                SharedMemoryRegistry shm, boolean explicitModelControl) {
        this.repository = repository;
        this.serverName = serverName;
        this.shm = shm;
        this.explicitModelControl = explicitModelControl;
        List<String> all = new ArrayList<>(extensions);
        if (shm != null && !all.contains("system_shared_memory")) {
            all.add("system_shared_memory");
        }
        if (explicitModelControl && !all.contains("model_repository")) {
            all.add("model_repository");
        }
        this.extensions = List.copyOf(all);
    }

    private ModelRepository repo() {
        return repository;
    }

    @Override
    public void serverLive(GrpcService.ServerLiveRequest request, StreamObserver<GrpcService.ServerLiveResponse> out) {
        reply(out, GrpcService.ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(GrpcService.ServerReadyRequest request,
                            StreamObserver<GrpcService.ServerReadyResponse> out) {
        reply(out, GrpcService.ServerReadyResponse.newBuilder().setReady(repo().allReady()).build());
    }

    @Override
    public void serverMetadata(GrpcService.ServerMetadataRequest request,
                               StreamObserver<GrpcService.ServerMetadataResponse> out) {
        reply(out, GrpcService.ServerMetadataResponse.newBuilder().setName(serverName).setVersion(VERSION)
                .addAllExtensions(extensions).build());
    }

    @Override
    public void modelReady(GrpcService.ModelReadyRequest request, StreamObserver<GrpcService.ModelReadyResponse> out) {
        boolean ready;
        try {
            repo().get(request.getName(), request.getVersion());
            ready = true;
        } catch (InferenceException e) {
            ready = false;
        }
        reply(out, GrpcService.ModelReadyResponse.newBuilder().setReady(ready).build());
    }

    @Override
    public void modelMetadata(GrpcService.ModelMetadataRequest request,
                              StreamObserver<GrpcService.ModelMetadataResponse> out) {
        guarded(out, () -> {
            ServedModel m = repo().get(request.getName(), request.getVersion());
            GrpcService.ModelMetadataResponse.Builder b = GrpcService.ModelMetadataResponse.newBuilder()
                    .setName(m.name())
                    .addAllVersions(repo().versions(m.name()))
                    .setPlatform(m.config().getPlatform().isEmpty() ? "onnxruntime_onnx" : m.config().getPlatform());
            m.inputSpecs().forEach(s -> b.addInputs(tensorMetadata(s)));
            m.outputSpecs().forEach(s -> b.addOutputs(tensorMetadata(s)));
            return b.build();
        });
    }

    private static GrpcService.ModelMetadataResponse.TensorMetadata tensorMetadata(TensorSpec s) {
        return GrpcService.ModelMetadataResponse.TensorMetadata.newBuilder().setName(s.name())
                .setDatatype(s.dataType().wireName()).addAllShape(TensorCodec.boxed(s.shape())).build();
    }

    @Override
    public void modelConfig(GrpcService.ModelConfigRequest request, StreamObserver<GrpcService.ModelConfigResponse> out) {
        guarded(out, () -> GrpcService.ModelConfigResponse.newBuilder()
                .setConfig(repo().get(request.getName(), request.getVersion()).config()).build());
    }

    @Override
    public void modelStatistics(GrpcService.ModelStatisticsRequest request,
                                StreamObserver<GrpcService.ModelStatisticsResponse> out) {
        guarded(out, () -> {
            GrpcService.ModelStatisticsResponse.Builder b = GrpcService.ModelStatisticsResponse.newBuilder();
            if (request.getName().isEmpty()) {
                for (ServedModel m : repo().servedModels()) {
                    b.addModelStats(m.stats().toProto(m.name(), m.version()));
                }
            } else {
                ServedModel m = repo().get(request.getName(), request.getVersion());
                b.addModelStats(m.stats().toProto(m.name(), m.version()));
            }
            return b.build();
        });
    }

    @Override
    public void repositoryIndex(GrpcService.RepositoryIndexRequest request,
                                StreamObserver<GrpcService.RepositoryIndexResponse> out) {
        guarded(out, () -> {
            if (!request.getRepositoryName().isEmpty()) {
                // Triton serves one repository and refuses to select one by name (TRITONSERVER_ERROR_UNSUPPORTED).
                throw new InferenceException(Status.Code.UNIMPLEMENTED, "'repository_name' specification is not supported");
            }
            GrpcService.RepositoryIndexResponse.Builder b = GrpcService.RepositoryIndexResponse.newBuilder();
            for (ModelEntry e : repo().index()) {
                if (request.getReady() && e.state() != ModelState.READY) {
                    continue;
                }
                b.addModels(GrpcService.RepositoryIndexResponse.ModelIndex.newBuilder().setName(e.name())
                        .setVersion(e.version()).setState(e.state().name()).setReason(e.reason()));
            }
            return b.build();
        });
    }

    /** Lookups of a model for one request when versions are swapped under it. */
    private static final int MAX_LOOKUPS = 3;

    @Override
    public void modelInfer(GrpcService.ModelInferRequest request, StreamObserver<GrpcService.ModelInferResponse> out) {
        try {
            ServedModel looked = repo().get(request.getModelName(), request.getModelVersion());
            List<Tensor> inputs = InferMessages.inputs(request, shm);
            Map<String, InferMessages.OutputTarget> targets = InferMessages.outputs(request, shm);
            CompletableFuture<Map<String, Tensor>> run = looked.infer(inputs, new ArrayList<>(targets.keySet()));
            // A reload swapped versions between the lookup and the queueing: the request goes to the version
            // served now, as it would have a moment later (a few tries, should reloads follow each other).
            for (int i = 0; i < MAX_LOOKUPS && run.isCompletedExceptionally() && looked.stopped(); i++) {
                looked = repo().get(request.getModelName(), request.getModelVersion());
                run = looked.infer(inputs, new ArrayList<>(targets.keySet()));
            }
            ServedModel model = looked;
            run.whenComplete((outputs, error) -> {
                if (error != null) {
                    fail(out, error);
                } else {
                    try {
                        out.onNext(InferMessages.response(request, model, outputs, targets, shm));
                        out.onCompleted();
                    } catch (RuntimeException e) {
                        fail(out, e);
                    }
                }
            });
        } catch (RuntimeException e) {
            fail(out, e);
        }
    }

    @Override
    public void repositoryModelLoad(GrpcService.RepositoryModelLoadRequest request,
                                    StreamObserver<GrpcService.RepositoryModelLoadResponse> out) {
        modelControl(out, request.getRepositoryName(), request.getParametersMap().keySet(),
                () -> repo().loadModel(request.getModelName()), GrpcService.RepositoryModelLoadResponse.getDefaultInstance());
    }

    @Override
    public void repositoryModelUnload(GrpcService.RepositoryModelUnloadRequest request,
                                      StreamObserver<GrpcService.RepositoryModelUnloadResponse> out) {
        modelControl(out, request.getRepositoryName(), request.getParametersMap().keySet(),
                () -> repo().unloadModel(request.getModelName()),
                GrpcService.RepositoryModelUnloadResponse.getDefaultInstance());
    }

    private <T> void modelControl(StreamObserver<T> out, String repositoryName, java.util.Set<String> parameters,
                                  Runnable action, T answer) {
        try {
            if (!repositoryName.isEmpty()) {
                throw new InferenceException(Status.Code.UNIMPLEMENTED, "'repository_name' specification is not supported");
            }
            if (!explicitModelControl) {
                throw InferenceException.unavailable("explicit model load / unload is not allowed if polling is enabled"
                        + " (this server runs in model control mode 'none')");
            }
            if (!parameters.isEmpty()) {
                throw InferenceException.invalid("parameter '" + parameters.iterator().next()
                        + "' is not supported: models load from the repository as they are");
            }
        } catch (InferenceException e) {
            fail(out, e);
            return;
        }
        control.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                fail(out, e);
                return;
            }
            reply(out, answer);
        });
    }

    @Override
    public void systemSharedMemoryRegister(GrpcService.SystemSharedMemoryRegisterRequest request,
                                           StreamObserver<GrpcService.SystemSharedMemoryRegisterResponse> out) {
        guarded(out, () -> {
            sharedMemory().register(request.getName(), request.getKey(), request.getOffset(), request.getByteSize());
            return GrpcService.SystemSharedMemoryRegisterResponse.getDefaultInstance();
        });
    }

    @Override
    public void systemSharedMemoryStatus(GrpcService.SystemSharedMemoryStatusRequest request,
                                         StreamObserver<GrpcService.SystemSharedMemoryStatusResponse> out) {
        guarded(out, () -> {
            GrpcService.SystemSharedMemoryStatusResponse.Builder b = GrpcService.SystemSharedMemoryStatusResponse.newBuilder();
            sharedMemory().status(request.getName()).forEach(r -> b.putRegions(r.getName(), r));
            return b.build();
        });
    }

    @Override
    public void systemSharedMemoryUnregister(GrpcService.SystemSharedMemoryUnregisterRequest request,
                                             StreamObserver<GrpcService.SystemSharedMemoryUnregisterResponse> out) {
        guarded(out, () -> {
            sharedMemory().unregister(request.getName());
            return GrpcService.SystemSharedMemoryUnregisterResponse.getDefaultInstance();
        });
    }

    private SharedMemoryRegistry sharedMemory() {
        if (shm == null) {
            throw new InferenceException(Status.Code.UNIMPLEMENTED, "system shared memory is not enabled on this server");
        }
        return shm;
    }

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }

    private static <T> void guarded(StreamObserver<T> out, java.util.function.Supplier<T> body) {
        T value;
        try {
            value = body.get();
        } catch (RuntimeException e) {
            fail(out, e);
            return;
        }
        reply(out, value);
    }

    /** Maps failures to gRPC statuses; only unexpected ones are logged (never request contents). */
    static void fail(StreamObserver<?> out, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Status status;
        if (e instanceof InferenceException ie) {
            status = Status.fromCode(ie.code()).withDescription(ie.getMessage());
        } else if (e instanceof TensorFormatException) {
            status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
        } else {
            LOG.error("unexpected inference failure", e);
            status = Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName());
        }
        out.onError(status.asRuntimeException());
    }
}
