package dev.lucid.coordinator.tenancy;

import dev.lucid.coordinator.CoordinatorConfig;
import dev.lucid.coordinator.Evaluations;
import dev.lucid.evaluation.RedisKeys;
import dev.lucid.generation.ImageKey;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Tenants' separate spaces: which evaluations a tenant owns (a sorted set per tenant in Redis, by creation time), the
 * tenant-scoped evaluation id (the same spec from two tenants is two evaluations), the quotas ({@link TenantQuotas}),
 * and the audit log ({@code lucid.audit}: tenant, action, evaluation and sizes, never a token).
 */
@ApplicationScoped
public class Tenancy {
    private static final Logger AUDIT = Logger.getLogger("lucid.audit");
    private final Optional<BearerTokens> tokens;
    private final Evaluations evaluations;
    private final TenantQuotas quotas;

    Tenancy(CoordinatorConfig config, Evaluations evaluations) {
        this.evaluations = evaluations;
        this.quotas = new TenantQuotas(evaluations.redis(), new RedisKeys(config.keyPrefix()),
                new TenantQuotas.Limits(
                config.tenantMaxRunning(), config.tenantMaxItemsPerEvaluation(), config.tenantMaxItemsPerDay(),
                config.tenantMaxImportBytesPerDay()),
                Clock.systemUTC());
        try {
            this.tokens = config.tokensFile().isPresent() ? Optional.of(BearerTokens.load(config.tokensFile().get())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("lucid.coordinator.tokens-file: cannot read " + config.tokensFile().get(), e);
        }
    }

    /** The tokens in force; empty = no authentication, one shared space. */
    public Optional<BearerTokens> tokens() {
        return tokens;
    }

    /** The id of a spec's evaluation for a tenant: the spec's own id without tenants, else one scoped to the tenant. */
    public static String evaluationId(String specId, Optional<String> tenant) {
        return tenant.map(t -> "ev-" + ImageKey.sha256("lucid.tenant.v1", t + "\n" + specId).substring(0, 20)).orElse(specId);
    }

    private String key(String tenant) {
        return quotas.evaluationsKey(tenant);
    }

    /**
     * Records that {@code tenant} owns {@code id}, an evaluation of {@code items} items, before the evaluation is
     * created (a crash in between leaves an entry that lists nothing; a resubmit claims again). Refused
     * RESOURCE_EXHAUSTED, naming the quota, beyond the tenant's quotas ({@link TenantQuotas}).
     */
    public void claim(String tenant, String id, long items) {
        quotas.claim(tenant, id, items);
    }

    /** Charges a suite upload's bytes to the tenant's day, or refuses RESOURCE_EXHAUSTED ({@link TenantQuotas}). */
    public void chargeImportBytes(String tenant, long bytes) {
        quotas.chargeImportBytes(tenant, bytes);
    }

    /** Whether the caller may see {@code id}: always without tenants, else only its owner. */
    public boolean visible(Optional<String> tenant, String id) {
        return tenant.isEmpty() || evaluations.redis().zscore(key(tenant.get()), id) != null;
    }

    /** A page of the tenant's evaluations, newest first. */
    public List<String> list(String tenant, long start, long stop) {
        return evaluations.redis().zrevrange(key(tenant), start, stop);
    }

    /** One audit line: who did what to which evaluation, with sizes. */
    public static void audit(Optional<String> tenant, String action, String id, String details) {
        AUDIT.infof("tenant=%s action=%s evaluation=%s %s", tenant.orElse("-"), action, id, details);
    }

    /** One audit line of a suite import: who, which suite, the outcome and sizes. */
    public static void auditImport(Optional<String> tenant, String suiteId, String details) {
        AUDIT.infof("tenant=%s action=import suite=%s %s", tenant.orElse("-"), suiteId, details);
    }
}
