package dev.lucid.coordinator.suites;

import dev.lucid.api.v1.GetSuiteRequest;
import dev.lucid.api.v1.GetSuiteResponse;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.ListSuitesResponse;
import dev.lucid.api.v1.Prompt;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.SuiteInfo;
import dev.lucid.coordinator.Peers;
import dev.lucid.coordinator.tenancy.SuiteSpaces;
import dev.lucid.coordinator.tenancy.Tenancy;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The suites as each caller sees them through the coordinator: the shared ones and, with bearer tokens, the tenant's
 * own ({@link SuiteSpaces}); imports relayed to the sampler within the tenant's quota; a spec's quotas resolved to
 * the sampler's suites. Another tenant's suite is unknown, exactly as one that never existed.
 */
@ApplicationScoped
public class TenantSuites {
    /** Imports relayed at once; more wait their turn (each holds one chunk). */
    static final int RELAY_THREADS = 4;

    private final Peers peers;
    private final Tenancy tenancy;
    private final ExecutorService relays = Executors.newFixedThreadPool(RELAY_THREADS, r -> {
        Thread t = new Thread(r, "suite-relay");
        t.setDaemon(true);
        return t;
    });

    TenantSuites(Peers peers, Tenancy tenancy) {
        this.peers = peers;
        this.tenancy = tenancy;
    }

    @PreDestroy
    void close() {
        relays.shutdownNow();
    }

    /** Starts relaying one ImportSuite call of the caller's. */
    public StreamObserver<ImportSuiteChunk> importSuite(Optional<String> tenant, StreamObserver<ImportSuiteResponse> out) {
        return SuiteImportRelay.start(tenant, n -> tenant.ifPresent(t -> tenancy.chargeImportBytes(t, n)), peers.samplerAsync(),
                out, relays);
    }

    /** The suites the caller can sample, with the ids it knows them by. */
    public ListSuitesResponse list(Optional<String> tenant) {
        ListSuitesResponse all = peers.sampler().listSuites(ListSuitesRequest.getDefaultInstance());
        ListSuitesResponse.Builder b = ListSuitesResponse.newBuilder();
        for (SuiteInfo s : all.getSuitesList()) {
            SuiteSpaces.visibleId(tenant, s.getId()).ifPresent(id -> b.addSuites(s.toBuilder().setId(id)));
        }
        return b.build();
    }

    /** One suite the caller can sample (its own before a shared one of the same id); NOT_FOUND otherwise. */
    public GetSuiteResponse get(Optional<String> tenant, GetSuiteRequest request) {
        String id = request.getSuiteId();
        String samplerId = SuiteSpaces.resolve(tenant, id, samplerIds()).orElseThrow(() -> unknown(id));
        GetSuiteResponse r = peers.sampler().getSuite(request.toBuilder().setSuiteId(samplerId).build());
        GetSuiteResponse.Builder b = r.toBuilder().setSuite(r.getSuite().toBuilder().setId(id)).clearPrompts();
        for (Prompt p : r.getPromptsList()) {
            b.addPrompts(p.toBuilder().setSuiteId(id).setId(SuiteSpaces.scrub(tenant, p.getId())));
        }
        return b.build();
    }

    /**
     * A spec's quotas with each suite named as the sampler knows it (the tenant's own suite before a shared one);
     * an unknown suite, or another tenant's, is refused naming the quota.
     */
    public List<Quota> resolve(Optional<String> tenant, List<Quota> quotas) {
        if (tenant.isEmpty()) {
            return quotas;
        }
        Set<String> known = samplerIds();
        List<Quota> out = new ArrayList<>();
        for (int i = 0; i < quotas.size(); i++) {
            Quota q = quotas.get(i);
            String field = "quotas[" + i + "].suite_id";
            String samplerId = SuiteSpaces.resolve(tenant, q.getSuiteId(), known)
                    .orElseThrow(() -> Status.NOT_FOUND.withDescription(field + ": unknown suite '" + q.getSuiteId() + "'")
                            .asRuntimeException());
            out.add(q.toBuilder().setSuiteId(samplerId).build());
        }
        return out;
    }

    private Set<String> samplerIds() {
        Set<String> ids = new HashSet<>();
        peers.sampler().listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().forEach(s -> ids.add(s.getId()));
        return ids;
    }

    private static RuntimeException unknown(String id) {
        return Status.NOT_FOUND.withDescription("suite_id: unknown suite '" + id + "'").asRuntimeException();
    }
}
