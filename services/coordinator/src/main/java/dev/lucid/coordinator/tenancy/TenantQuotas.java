package dev.lucid.coordinator.tenancy;

import io.grpc.Status;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;

/**
 * A tenant's quotas, checked when it submits: evaluations running at once, items per evaluation, and items per
 * UTC day (a counter in Redis, charged once per evaluation, when the tenant first submits it; resubmitting or
 * restarting the same evaluation is free). A refusal is RESOURCE_EXHAUSTED naming the quota.
 *
 * <p>Keys: {@code <prefix><tenant>:evals} (the tenant's evaluations, a sorted set by creation time) and
 * {@code <prefix><tenant>:items:<yyyy-mm-dd>} (items charged that day, expiring after two days).
 */
public final class TenantQuotas {
    /** Limits; each must be at least 1. */
    public record Limits(int maxRunning, long maxItemsPerEvaluation, long maxItemsPerDay) {
        public Limits {
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

    /** Charges the day's counter and records ownership together, unless the evaluation is already the tenant's. */
    private static final String CLAIM = """
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
            local used = tonumber(redis.call('GET', KEYS[2]) or '0')
            if used + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return used end
            redis.call('INCRBY', KEYS[2], ARGV[3])
            redis.call('EXPIRE', KEYS[2], 172800)
            redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
            return -2
            """;

    private final UnifiedJedis redis;
    private final String prefix;
    private final Limits limits;
    private final Clock clock;

    public TenantQuotas(UnifiedJedis redis, String prefix, Limits limits, Clock clock) {
        this.redis = redis;
        this.prefix = prefix;
        this.limits = limits;
        this.clock = clock;
    }

    /** The sorted set of a tenant's evaluations. */
    String evaluationsKey(String tenant) {
        return prefix + tenant + ":evals";
    }

    private String dayKey(String tenant) {
        return prefix + tenant + ":items:" + LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /**
     * Records that {@code tenant} owns {@code id} (of {@code items} items), before the evaluation is created, or
     * refuses RESOURCE_EXHAUSTED naming the quota it would exceed. {@code running} tells which evaluations run.
     */
    public void claim(String tenant, String id, long items, Predicate<String> running) {
        if (items > limits.maxItemsPerEvaluation()) {
            throw exhausted("quota tenant-max-items-per-evaluation: the evaluation has " + items + " items (limit "
                    + limits.maxItemsPerEvaluation() + " for tenant " + tenant + "); ask for fewer prompts, seeds or models");
        }
        List<String> owned = redis.zrevrange(evaluationsKey(tenant), 0, -1);
        long others = owned.stream().filter(e -> !e.equals(id)).filter(running).count();
        if (others >= limits.maxRunning() && !(owned.contains(id) && running.test(id))) {
            throw exhausted("quota tenant-max-running: tenant " + tenant + " already runs " + others
                    + " evaluations (limit " + limits.maxRunning() + "); wait for one to finish or cancel one");
        }
        long result = (Long) redis.eval(CLAIM, List.of(evaluationsKey(tenant), dayKey(tenant)),
                List.of(id, Long.toString(clock.millis()), Long.toString(items), Long.toString(limits.maxItemsPerDay())));
        if (result >= 0) {
            throw exhausted("quota tenant-max-items-per-day: tenant " + tenant + " has used " + result + " of "
                    + limits.maxItemsPerDay() + " items today (UTC) and this evaluation has " + items
                    + "; the count starts afresh at midnight UTC");
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
