package dev.lucid.coordinator.suites;

import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteHeader;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.coordinator.tenancy.SuiteSpaces;
import dev.lucid.coordinator.tenancy.Tenancy;
import dev.lucid.kserve.StatusMapping;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One ImportSuite call through the coordinator: checks the header, names the suite in the caller's space
 * ({@link SuiteSpaces}), charges each chunk to the tenant's import-bytes quota and passes it on to the sampler.
 * Flow control both ways: the client's next chunk is requested only once the previous one went on to the sampler,
 * whose stream must be ready for it, so a relay holds one chunk, never the file. The work runs in order on worker
 * threads (quota checks are Redis calls; waiting for the sampler blocks), never on the event loop.
 */
final class SuiteImportRelay implements StreamObserver<ImportSuiteChunk> {
    /** Longest an import may run at the sampler. */
    static final long DEADLINE_MINUTES = 30;

    private final Optional<String> tenant;
    private final LongConsumer chargeBytes;
    private final PromptSamplerGrpc.PromptSamplerStub sampler;
    private final ServerCallStreamObserver<ImportSuiteResponse> out;
    private final Executor workers;
    private final Object lock = new Object();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private ClientCallStreamObserver<ImportSuiteChunk> upstream;
    private ImportSuiteResponse answer;
    private boolean ended;
    private String suiteId = "";
    private long bytes;

    /**
     * Starts the relay: takes over flow control of the client's stream and asks for its first message.
     *
     * @param chargeBytes charges a chunk's bytes to the caller's quota, or throws RESOURCE_EXHAUSTED
     */
    static SuiteImportRelay start(Optional<String> tenant, LongConsumer chargeBytes, PromptSamplerGrpc.PromptSamplerStub sampler,
                                  StreamObserver<ImportSuiteResponse> out, Executor workers) {
        ServerCallStreamObserver<ImportSuiteResponse> call = (ServerCallStreamObserver<ImportSuiteResponse>) out;
        call.disableAutoRequest();
        SuiteImportRelay relay = new SuiteImportRelay(tenant, chargeBytes, sampler, call, workers);
        call.setOnCancelHandler(relay::clientLeft);
        call.request(1);
        return relay;
    }

    private SuiteImportRelay(Optional<String> tenant, LongConsumer chargeBytes, PromptSamplerGrpc.PromptSamplerStub sampler,
                             ServerCallStreamObserver<ImportSuiteResponse> out, Executor workers) {
        this.tenant = tenant;
        this.chargeBytes = chargeBytes;
        this.sampler = sampler;
        this.out = out;
        this.workers = workers;
    }

    @Override
    public void onNext(ImportSuiteChunk chunk) {
        inOrder(() -> {
            if (upstream == null) {
                open(chunk);
            } else if (chunk.hasHeader()) {
                throw new IllegalArgumentException("header: sent twice");
            } else {
                long n = chunk.getData().size() + chunk.getQuestionsData().size();
                if (n == 0) {
                    throw new IllegalArgumentException("chunk: empty message");
                }
                bytes += n;
                chargeBytes.accept(n);
                forward(chunk);
            }
            out.request(1);
        });
    }

    @Override
    public void onError(Throwable t) {
        clientLeft();
    }

    @Override
    public void onCompleted() {
        inOrder(() -> {
            if (upstream == null) {
                throw new IllegalArgumentException("header: required");
            }
            upstream.onCompleted();
        });
    }

    /** Runs a step after the previous ones, on a worker; a failing step answers the client and stops the upstream. */
    private void inOrder(ThrowingStep step) {
        synchronized (lock) {
            tail = tail.thenRunAsync(() -> {
                if (isEnded()) {
                    return;
                }
                try {
                    step.run();
                } catch (Throwable e) {
                    fail(StatusMapping.toStatus(e, "import"));
                }
            }, workers);
        }
    }

    private void open(ImportSuiteChunk first) throws InterruptedException {
        if (!first.hasHeader()) {
            throw new IllegalArgumentException("header: the first message must be the header");
        }
        ImportSuiteHeader h = first.getHeader();
        suiteId = SuiteSpaces.checkId(h.getSuiteId(), "header.suite_id");
        ImportSuiteHeader named = h.toBuilder().setSuiteId(SuiteSpaces.samplerId(tenant, suiteId)).build();
        sampler.withDeadlineAfter(DEADLINE_MINUTES, TimeUnit.MINUTES).importSuite(new ClientResponseObserver<ImportSuiteChunk, ImportSuiteResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ImportSuiteChunk> requests) {
                upstream = requests;
                requests.setOnReadyHandler(() -> {
                    synchronized (lock) {
                        lock.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(ImportSuiteResponse r) {
                synchronized (lock) {
                    answer = r;
                }
            }

            @Override
            public void onError(Throwable t) {
                StatusRuntimeException s = StatusMapping.toStatus(t, "sampler");
                fail(s.getStatus().withDescription(SuiteSpaces.scrub(tenant, s.getStatus().getDescription())).asRuntimeException());
            }

            @Override
            public void onCompleted() {
                succeed();
            }
        });
        forward(first.toBuilder().setHeader(named).build());
    }

    /** Sends a chunk on once the sampler's stream can take it. */
    private void forward(ImportSuiteChunk chunk) throws InterruptedException {
        synchronized (lock) {
            while (!upstream.isReady() && !ended) {
                lock.wait(1000);
            }
            if (ended) {
                return;
            }
        }
        upstream.onNext(chunk);
    }

    private void succeed() {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            if (answer == null) {
                out.onError(Status.INTERNAL.withDescription("import: the sampler ended without a summary").asRuntimeException());
                return;
            }
            ImportSuiteResponse r = answer.toBuilder().setSuite(answer.getSuite().toBuilder().setId(suiteId)).build();
            Tenancy.auditImport(tenant, suiteId, "outcome=imported bytes=" + bytes + " rows=" + r.getRowsRead()
                    + " imported=" + r.getRowsImported() + " skipped=" + r.getRowsSkipped()
                    + " fingerprint=" + r.getSuite().getFingerprint());
            out.onNext(r);
            out.onCompleted();
            lock.notifyAll();
        }
    }

    private void fail(StatusRuntimeException e) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            Tenancy.auditImport(tenant, suiteId.isEmpty() ? "-" : suiteId, "outcome="
                    + (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED ? "refused" : "failed")
                    + " status=" + e.getStatus().getCode() + " bytes=" + bytes);
            if (upstream != null) {
                upstream.cancel("the import through the coordinator ended: " + e.getStatus().getCode(), null);
            }
            out.onError(e);
            lock.notifyAll();
        }
    }

    /** The client cancelled or went away: the sampler's import is cancelled too, nothing is stored. */
    private void clientLeft() {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            if (upstream != null) {
                upstream.cancel("the client left", null);
            }
            lock.notifyAll();
        }
    }

    private boolean isEnded() {
        synchronized (lock) {
            return ended;
        }
    }

    @FunctionalInterface
    private interface ThrowingStep {
        void run() throws Exception;
    }
}
