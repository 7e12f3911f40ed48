package dev.lucid.coordinator;

import dev.lucid.coordinator.suites.TenantSuites;
import dev.lucid.coordinator.tenancy.SuiteSpaces;
import dev.lucid.coordinator.tenancy.Tenancy;
import dev.lucid.coordinator.tenancy.Tenant;
import dev.lucid.kserve.StatusMapping;
import dev.lucid.api.v1.CancelRequest;
import dev.lucid.api.v1.CancelResponse;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.EvaluationState;
import dev.lucid.api.v1.EvaluationSummary;
import dev.lucid.api.v1.ExportRequest;
import dev.lucid.api.v1.ItemRecord;
import dev.lucid.api.v1.GetReportRequest;
import dev.lucid.api.v1.GetSuiteRequest;
import dev.lucid.api.v1.GetSuiteResponse;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.ListSuitesResponse;
import dev.lucid.api.v1.ListRequest;
import dev.lucid.api.v1.ListResponse;
import dev.lucid.api.v1.Progress;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.StageProgress;
import dev.lucid.api.v1.SubmitRequest;
import dev.lucid.api.v1.SubmitResponse;
import dev.lucid.api.v1.WatchRequest;
import dev.lucid.evaluation.EvaluationLedger;
import dev.lucid.evaluation.EvaluationPrompt;
import dev.lucid.evaluation.ItemResult;
import dev.lucid.evaluation.EvaluationRunner;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import org.jboss.logging.Logger;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * lucid.v1.Coordinator: Submit, Watch (progress stream), GetReport, Cancel, List, ExportResults (record stream), and
 * the caller's suites: ImportSuite (relayed to the sampler), ListSuites, GetSuite.
 */
@GrpcService
public class CoordinatorEndpoint extends CoordinatorGrpc.CoordinatorImplBase {
    private static final Logger LOG = Logger.getLogger(CoordinatorEndpoint.class);
    private final Evaluations evaluations;
    private final SpecPlanner planner;
    private final Reports reports;
    private final Tenancy tenancy;
    private final TenantSuites suites;

    CoordinatorEndpoint(Evaluations evaluations, SpecPlanner planner, Reports reports, Tenancy tenancy, TenantSuites suites) {
        this.evaluations = evaluations;
        this.planner = planner;
        this.reports = reports;
        this.tenancy = tenancy;
        this.suites = suites;
    }

    private EvaluationRunner runner() {
        return evaluations.runner();
    }

    @Override
    @Blocking
    public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
        try {
            Optional<String> tenant = Tenant.current();
            EvaluationRunner.Plan plan = planner.plan(request.getSpec(), suites.resolve(tenant, request.getSpec().getQuotasList()),
                    id -> SuiteSpaces.scrub(tenant, id));
            if (tenant.isPresent()) {
                // The same spec from two tenants is two evaluations: neither can watch or cancel the other's.
                plan = new EvaluationRunner.Plan(Tenancy.evaluationId(plan.evaluationId(), tenant), plan.models(),
                        plan.prompts(), plan.seedsPerPrompt(), plan.baseSeed());
                try {
                    tenancy.claim(tenant.get(), plan.evaluationId(), plan.total());
                } catch (io.grpc.StatusRuntimeException refused) {
                    Tenancy.audit(tenant, "submit", plan.evaluationId(), "outcome=refused items=" + plan.total()
                            + " reason=" + refused.getStatus().getDescription().split(":")[0].replace(' ', '-'));
                    throw refused;
                }
            }
            reports.recordReference(plan.evaluationId(), request.getSpec());
            EvaluationLedger.Submitted what = runner().submit(plan, JsonFormat.printer().print(request.getSpec()),
                    request.getSpec().getName());
            Tenancy.audit(tenant, "submit", plan.evaluationId(), "outcome=" + what.name().toLowerCase(java.util.Locale.ROOT)
                    + " models=" + plan.models().size() + " prompts=" + plan.prompts().size() + " items=" + plan.total()
                    + " spec_bytes=" + request.getSpec().getSerializedSize());
            out.onNext(SubmitResponse.newBuilder().setEvaluationId(plan.evaluationId())
                    .setResumed(what == EvaluationLedger.Submitted.RESUMED)
                    .setRestarted(what == EvaluationLedger.Submitted.RESTARTED).build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    @Override
    public StreamObserver<ImportSuiteChunk> importSuite(StreamObserver<ImportSuiteResponse> out) {
        // Not @Blocking: the relay takes over flow control and does its blocking work on its own threads.
        return suites.importSuite(Tenant.current(), out);
    }

    @Override
    @Blocking
    public void listSuites(ListSuitesRequest request, StreamObserver<ListSuitesResponse> out) {
        try {
            out.onNext(suites.list(Tenant.current()));
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    @Override
    @Blocking
    public void getSuite(GetSuiteRequest request, StreamObserver<GetSuiteResponse> out) {
        try {
            out.onNext(suites.get(Tenant.current(), request));
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    /** The progress of an evaluation the caller may see; another tenant's is NOT_FOUND exactly as an unknown one. */
    private EvaluationLedger.Progress progressOrNotFound(String id) {
        try {
            if (!tenancy.visible(Tenant.current(), id)) {
                throw new IllegalArgumentException("not the caller's");
            }
            return runner().ledger().progress(id);
        } catch (IllegalArgumentException e) {
            long lost = evaluations.generation().lossDetectedMillis();
            throw Status.NOT_FOUND.withDescription("evaluation_id: unknown evaluation '" + id + "'" + (lost == 0 ? ""
                    : " (Redis lost its data at " + java.time.Instant.ofEpochMilli(lost)
                    + "; an evaluation submitted before then must be submitted again)")).asRuntimeException();
        }
    }

    static EvaluationState state(String s) {
        return switch (s) {
            case "RUNNING" -> EvaluationState.EVALUATION_STATE_RUNNING;
            case "SUCCEEDED" -> EvaluationState.EVALUATION_STATE_SUCCEEDED;
            case "FAILED" -> EvaluationState.EVALUATION_STATE_FAILED;
            case "CANCELLED" -> EvaluationState.EVALUATION_STATE_CANCELLED;
            default -> EvaluationState.EVALUATION_STATE_QUEUED;
        };
    }

    /** A progress update: items (generate stage) and scores (score stage), each counted once per item. */
    static Progress progress(String id, EvaluationLedger.Progress p, double eta) {
        String message = !p.waiting().isEmpty() ? p.waiting() : p.lastError();
        return Progress.newBuilder().setEvaluationId(id).setState(state(p.state()))
                .addStages(StageProgress.newBuilder().setStage("generate").setDone(p.done()).setTotal(p.total())
                        .setCacheHits(p.imageCacheHits()).setFailed(p.failed()))
                .addStages(StageProgress.newBuilder().setStage("score").setDone(p.scoresComputed() + p.scoreCacheHits())
                        .setTotal(2 * p.total()).setCacheHits(p.scoreCacheHits()))
                .setEtaSeconds(eta).setMessage(message).setUpdatedUnixMs(System.currentTimeMillis()).build();
    }

    /** How often a watch looks at its evaluation (one Redis read), so that the end is told within this. */
    static final long WATCH_POLL_MILLIS = 50;
    /** Longest time between two updates a watch sends while nothing changed. */
    static final long WATCH_UPDATE_MILLIS = 500;

    @Override
    @Blocking
    public void watch(WatchRequest request, StreamObserver<Progress> out) {
        ServerCallStreamObserver<Progress> call = (ServerCallStreamObserver<Progress>) out;
        stream(call, () -> {
            String id = request.getEvaluationId();
            EvaluationLedger.Progress first = progressOrNotFound(id);
            long start = System.currentTimeMillis();
            long doneAtStart = first.done();
            long lastSent = 0;
            EvaluationLedger.Progress sent = null;
            while (!call.isCancelled()) {
                // An evaluation that vanished (Redis lost its data) ends the stream with NOT_FOUND, never a loop.
                EvaluationLedger.Progress p = progressOrNotFound(id);
                long now = System.currentTimeMillis();
                boolean running = p.state().equals("RUNNING") || p.state().equals("QUEUED");
                // Looked at often, so that the end is told at once; counts go out twice a second, a new state or
                // message at once.
                boolean news = sent == null || !p.state().equals(sent.state()) || !p.waiting().equals(sent.waiting())
                        || !p.lastError().equals(sent.lastError());
                if (!running || news || now - lastSent >= WATCH_UPDATE_MILLIS) {
                    double elapsed = (now - start) / 1000.0;
                    long progressed = p.done() - doneAtStart;
                    // While it waits for a peer the rate says nothing about the rest: the ETA is unknown then.
                    double eta = progressed > 0 && p.waiting().isEmpty() ? elapsed / progressed * (p.total() - p.done() - p.failed()) : -1;
                    out.onNext(progress(id, p, eta));
                    sent = p;
                    lastSent = now;
                }
                if (!running) {
                    break;
                }
                Thread.sleep(WATCH_POLL_MILLIS);
            }
        });
    }

    /** The body of a server stream: it sends; {@link #stream} completes the call or ends it with the error's status. */
    @FunctionalInterface
    interface StreamBody {
        void run() throws Exception;
    }

    /** Runs a server stream's body, then completes the call unless the client left; an error ends it with its status. */
    static void stream(ServerCallStreamObserver<?> call, StreamBody body) {
        try {
            body.run();
            if (!call.isCancelled()) {
                call.onCompleted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.onError(Status.CANCELLED.asRuntimeException());
        } catch (Throwable e) {
            call.onError(status(e));
        }
    }

    @Override
    @Blocking
    public void getReport(GetReportRequest request, StreamObserver<Report> out) {
        try {
            String id = request.getEvaluationId();
            EvaluationLedger.Progress p = progressOrNotFound(id);
            if (!p.state().equals("SUCCEEDED")) {
                throw Status.FAILED_PRECONDITION.withDescription("evaluation " + id + " is " + p.state() + " (" + p.done()
                        + "/" + p.total() + " items); the report comes when it has succeeded").asRuntimeException();
            }
            Report r = reports.report(id, request.getFormat());
            out.onNext(r);
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    @Override
    @Blocking
    public void cancel(CancelRequest request, StreamObserver<CancelResponse> out) {
        try {
            progressOrNotFound(request.getEvaluationId());
            EvaluationState after = state(runner().cancel(request.getEvaluationId()));
            Tenancy.audit(Tenant.current(), "cancel", request.getEvaluationId(), "state=" + after.name());
            out.onNext(CancelResponse.newBuilder().setState(after).build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    @Override
    @Blocking
    public void list(ListRequest request, StreamObserver<ListResponse> out) {
        try {
            int size = request.getPage().getPageSize() <= 0 ? 50 : Math.min(500, request.getPage().getPageSize());
            long start = request.getPage().getPageToken().isEmpty() ? 0 : Long.parseLong(request.getPage().getPageToken());
            Optional<String> tenant = Tenant.current();
            List<String> ids = tenant.isPresent() ? tenancy.list(tenant.get(), start, start + size - 1)
                    : evaluations.redis().zrevrange(runner().ledger().listingKey(), start, start + size - 1);
            ListResponse.Builder b = ListResponse.newBuilder();
            for (String id : ids) {
                EvaluationLedger.Progress p;
                try {
                    p = runner().ledger().progress(id);
                } catch (IllegalArgumentException gone) {
                    continue; // listed but its state is gone
                }
                b.addEvaluations(EvaluationSummary.newBuilder().setEvaluationId(id).setName(p.name())
                        .setState(state(p.state())).setCreatedUnixMs(p.createdMillis()).setDone(p.done()).setTotal(p.total()));
            }
            if (ids.size() == size) {
                b.setNextPageToken(Long.toString(start + size));
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (NumberFormatException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("page.page_token: invalid").asRuntimeException());
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    /** Results read from Redis per message batch of an export: bounds what one call holds at a time. */
    static final int EXPORT_CHUNK = 256;

    @Override
    @Blocking
    public void exportResults(ExportRequest request, StreamObserver<ItemRecord> out) {
        ServerCallStreamObserver<ItemRecord> call = (ServerCallStreamObserver<ItemRecord>) out;
        stream(call, () -> {
            String id = request.getEvaluationId();
            if (request.getLimit() < 0) {
                throw new IllegalArgumentException("limit: must be >= 0 (0 means all), got " + request.getLimit());
            }
            if (request.getAfterItemId().length() > 1000) {
                throw new IllegalArgumentException("after_item_id: longer than 1000 characters");
            }
            progressOrNotFound(id);
            List<String> ids = runner().resultIds(id);
            int from = 0;
            if (!request.getAfterItemId().isEmpty()) {
                int at = Collections.binarySearch(ids, request.getAfterItemId());
                from = at >= 0 ? at + 1 : -at - 1;
            }
            int to = request.getLimit() == 0 ? ids.size() : (int) Math.min(ids.size(), (long) from + request.getLimit());
            Map<String, EvaluationPrompt> prompts = runner().plan(id).prompts().stream()
                    .collect(Collectors.toMap(EvaluationPrompt::id, Function.identity(), (a, b) -> a));
            for (int i = from; i < to && !call.isCancelled(); i += EXPORT_CHUNK) {
                for (ItemResult r : runner().results(id, ids.subList(i, Math.min(to, i + EXPORT_CHUNK)))) {
                    // Flow control: send no faster than the client reads, so a slow reader never piles records up here.
                    while (!call.isReady() && !call.isCancelled()) {
                        Thread.sleep(2);
                    }
                    out.onNext(ItemRecords.of(r, prompts.get(r.promptId())));
                }
            }
        });
    }

    /** Failures as statuses: {@link StatusMapping}, the mapping every Lucid service shares. */
    static StatusRuntimeException status(Throwable e) {
        return StatusMapping.toStatus(e, "coordinator call");
    }
}
