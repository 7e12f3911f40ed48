package dev.lucid.coordinator.tenancy;

import dev.lucid.evaluation.RedisKeys;
import io.grpc.Status;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A tenant's quotas, checked when it submits: evaluations running at once, items per evaluation, and items per
 * UTC day (a counter in Redis, charged once per evaluation, when the tenant first submits it; resubmitting or
 * restarting the same evaluation is free); and suite bytes uploaded per UTC day, charged as an upload streams in.
 * A refusal is RESOURCE_EXHAUSTED naming the quota.
 *
 * <p>Keys ({@link RedisKeys}): the tenant's evaluations (a sorted set by creation time) and the items charged it on
 * a UTC day (expiring after two days); it reads each owned evaluation's state from its state hash.
 */
public final class TenantQuotas {
    /** Limits; each must be at least 1. */
    public record Limits(int maxRunning, long maxItemsPerEvaluation, long maxItemsPerDay, long maxImportBytesPerDay) {
        public Limits {
            if (maxImportBytesPerDay < 1) {
                throw new IllegalArgumentException("lucid.coordinator.tenant-max-import-bytes-per-day: must be >= 1, got "
                        + maxImportBytesPerDay);
            }
            if (maxRunning < 1) {
                throw new IllegalArgumentException("lucid.coordinator.tenant-max-running: must be >= 1, got " + maxRunning);
            }
            if (maxItemsPerEvaluation < 1) {
                throw new IllegalArgumentException("lucid.coordinator.tenant-max-items-per-evaluation: must be >= 1, got "
                        + maxItemsPerEvaluation);
            }
            if (maxItemsPerDay < 1) {
                throw new IllegalArgumentException("lucid.coordinator.tenant-max-items-per-day: must be >= 1, got "
                        + maxItemsPerDay);
            }
        }
    }

    /**
     * The whole claim in one step, so concurrent submits of one tenant cannot pass the quotas together: counts the
     * tenant's running evaluations (state RUNNING, or claimed in the last {@link #CLAIM_GRACE_MS} and not yet
     * created), then charges the day's counter and records ownership, unless the evaluation is already the tenant's.
     * Returns {outcome, count}: ok, running (evaluations running) or day (items used today).
     */
    private static final String CLAIM = """
            local owned = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            local now, grace = tonumber(ARGV[2]), tonumber(ARGV[7])
            local already, selfRunning, running = false, false, 0
            for i = 1, #owned, 2 do
              local state = redis.call('HGET', ARGV[6] .. owned[i], 'state')
              local live = state == 'RUNNING' or (not state and tonumber(owned[i + 1]) > now - grace)
              if owned[i] == ARGV[1] then
                already, selfRunning = true, live
              elseif live then
                running = running + 1
              end
            end
            if running >= tonumber(ARGV[5]) and not (already and selfRunning) then return {'running', running} end
            if already then return {'ok', 0} end
            local used = tonumber(redis.call('GET', KEYS[2]) or '0')
            if used + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return {'day', used} end
            redis.call('INCRBY', KEYS[2], ARGV[3])
            redis.call('EXPIRE', KEYS[2], 172800)
            redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])
            return {'ok', 0}
            """;
    /** Charges bytes to a day's counter unless they would pass the limit: {outcome, bytes used before}. */
    private static final String CHARGE = """
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {'day', used} end
            redis.call('INCRBY', KEYS[1], ARGV[1])
            redis.call('EXPIRE', KEYS[1], 172800)
            return {'ok', used}
            """;
    /** How long a claimed evaluation that was not created yet counts as running (a submit cut short ages out). */
    static final long CLAIM_GRACE_MS = 60_000;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Limits limits;
    private final Clock clock;

    /** The tenants' keys and the evaluations' state hashes are those {@code keys} names. */
    public TenantQuotas(UnifiedJedis redis, RedisKeys keys, Limits limits, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.limits = limits;
        this.clock = clock;
    }

    /** The sorted set of a tenant's evaluations. */
    String evaluationsKey(String tenant) {
        return keys.tenantEvaluations(tenant);
    }

    private String dayKey(String tenant) {
        return keys.tenantItems(tenant, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    /**
     * Records that {@code tenant} owns {@code id} (of {@code items} items), before the evaluation is created, or
     * refuses RESOURCE_EXHAUSTED naming the quota it would exceed.
     */
    public void claim(String tenant, String id, long items) {
        if (items > limits.maxItemsPerEvaluation()) {
            throw exhausted("quota tenant-max-items-per-evaluation: the evaluation has " + items + " items (limit "
                    + limits.maxItemsPerEvaluation() + " for tenant " + tenant + "); ask for fewer prompts, seeds or models");
        }
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) redis.eval(CLAIM, List.of(evaluationsKey(tenant), dayKey(tenant)),
                List.of(id, Long.toString(clock.millis()), Long.toString(items), Long.toString(limits.maxItemsPerDay()),
                        Integer.toString(limits.maxRunning()), keys.evaluationPrefix(), Long.toString(CLAIM_GRACE_MS)));
        String outcome = String.valueOf(r.get(0));
        long count = (Long) r.get(1);
        if (outcome.equals("running")) {
            throw exhausted("quota tenant-max-running: tenant " + tenant + " already runs " + count
                    + " evaluations (limit " + limits.maxRunning() + "); wait for one to finish or cancel one");
        }
        if (outcome.equals("day")) {
            throw exhausted("quota tenant-max-items-per-day: tenant " + tenant + " has used " + count + " of "
                    + limits.maxItemsPerDay() + " items today (UTC) and this evaluation has " + items
                    + "; the count starts afresh at midnight UTC");
        }
    }

    /**
     * Charges {@code bytes} of a suite upload to the tenant's day, or refuses RESOURCE_EXHAUSTED naming the quota when
     * they would pass it (nothing charged then). Called as the upload streams in, so an upload stops at the limit.
     */
    public void chargeImportBytes(String tenant, long bytes) {
        String key = keys.tenantImportBytes(tenant, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) redis.eval(CHARGE, List.of(key),
                List.of(Long.toString(bytes), Long.toString(limits.maxImportBytesPerDay())));
        if (String.valueOf(r.get(0)).equals("day")) {
            throw exhausted("quota tenant-max-import-bytes-per-day: tenant " + tenant + " has uploaded " + r.get(1) + " of "
                    + limits.maxImportBytesPerDay() + " suite bytes today (UTC) and this upload needs more; the count starts "
                    + "afresh at midnight UTC");
        }
    }

    /** Items charged to a tenant today (UTC). */
    public long itemsToday(String tenant) {
        String v = redis.get(dayKey(tenant));
        return v == null ? 0 : Long.parseLong(v);
    }

    private static RuntimeException exhausted(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }
}
