package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An evaluation's state in Redis, where every transition is one atomic script: creating it (plan, spec, state,
 * listing), queueing its work in chunks behind a cursor, recording an item (result, done set, counters, state,
 * acknowledgement), cancelling, failing, restarting. A process that dies between two calls leaves a state that
 * the next call (or another replica) carries on from; none leaves half a transition.
 *
 * <p>Keys under the prefix: {@code eval:ID} (hash: state, total, created, name, epoch, queued, done, generated,
 * image_cache_hits, scores_computed, score_cache_hits, last_error, waiting, finished), {@code eval:ID:plan},
 * {@code eval:ID:spec}, {@code eval:ID:results} (item id → result JSON), {@code eval:ID:done} (item ids),
 * {@code eval:ID:made} and {@code eval:ID:scored} (content key → the item that computed it), {@code evals}
 * (listing by creation time) and {@code active} (ids of running evaluations).
 */
public final class EvaluationLedger {
    private static final RedisScript CREATE = RedisScript.load("create");
    private static final RedisScript RESTART = RedisScript.load("restart");
    private static final RedisScript ENQUEUE = RedisScript.load("enqueue");
    private static final RedisScript COMPLETE = RedisScript.load("complete");
    private static final RedisScript CANCEL = RedisScript.load("cancel");
    private static final RedisScript FAIL = RedisScript.load("fail");
    private static final RedisScript WAIT = RedisScript.load("wait");
    private static final RedisScript GIVE_UP = RedisScript.load("give_up");
    private static final RedisScript ATTEMPT = RedisScript.load("attempt");

    /** What a submit did. */
    public enum Submitted {
        /** A new evaluation. */
        CREATED,
        /** It existed and runs (or ran) on: nothing new started. */
        RESUMED,
        /** It had been cancelled, had failed or had given up on items, and starts again (done items stay done). */
        RESTARTED
    }

    /** Counters and state of an evaluation, as recorded. */
    public record Progress(String state, long total, long done, long generated, long imageCacheHits,
                           long scoresComputed, long scoreCacheHits, String lastError, String waiting, String name,
                           long createdMillis, long queued, long epoch, long failed) {
    }

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String stream;
    private final String group;

    public EvaluationLedger(UnifiedJedis redis, String prefix, WorkQueue queue) {
        this.redis = redis;
        this.keys = new RedisKeys(prefix);
        this.stream = queue.stream();
        this.group = queue.group();
    }

    String evalKey(String id) {
        return keys.evaluation(id);
    }

    /** The Redis key of one of an evaluation's records ({@code plan}, {@code spec}, {@code results}, ...). */
    public String key(String id, String suffix) {
        return keys.evaluation(id, suffix);
    }

    /** The listing of evaluations by creation time. */
    public String listingKey() {
        return keys.evaluations();
    }

    private String activeKey() {
        return keys.active();
    }

    /**
     * Creates the evaluation, or restarts it when it was cancelled or failed; queueing is left to
     * {@link #enqueueRemaining}.
     */
    Submitted create(String id, String planJson, String specJson, long total, String name) {
        Object r = CREATE.run(redis, List.of(evalKey(id), key(id, "plan"), key(id, "spec"), listingKey(), activeKey()),
                List.of(id, planJson, specJson, Long.toString(total), Long.toString(System.currentTimeMillis()),
                        name == null ? "" : name));
        if ("CREATED".equals(r)) {
            return Submitted.CREATED;
        }
        if ("RESTARTED".equals(RESTART.run(redis, List.of(evalKey(id), activeKey(), key(id, "done"), key(id, "failed"),
                key(id, "attempts"), key(id, "first_failure")), List.of(id)))) {
            return Submitted.RESTARTED;
        }
        return Submitted.RESUMED;
    }

    /** One work item of a plan. */
    record PlannedItem(String model, String prompt, long seed) {
        String itemId() {
            return itemId(model, prompt, seed);
        }

        static String itemId(String model, String prompt, long seed) {
            return model + "|" + prompt + "|" + seed;
        }
    }

    /**
     * Queues the items of a running evaluation that are neither queued in its epoch nor done, in chunks, each
     * chunk with its cursor move in one script. Safe to call from any number of processes at once and again
     * after a crash. Returns the entries this call added.
     */
    long enqueueRemaining(String id, List<PlannedItem> items, int chunkSize) {
        long added = 0;
        while (true) {
            List<String> h = redis.hmget(evalKey(id), "state", "epoch", "queued");
            if (!"RUNNING".equals(h.get(0)) || h.get(2) == null) {
                return added; // finished, gone, or recorded before queueing had a cursor (queued whole then)
            }
            int from = Integer.parseInt(h.get(2));
            if (from >= items.size()) {
                return added;
            }
            int to = Math.min(items.size(), from + chunkSize);
            List<String> args = new ArrayList<>(4 + 4 * (to - from));
            args.add(id);
            args.add(h.get(1));
            args.add(Integer.toString(from));
            args.add(Integer.toString(to));
            for (PlannedItem it : items.subList(from, to)) {
                args.add(it.model());
                args.add(it.prompt());
                args.add(Long.toString(it.seed()));
                args.add(it.itemId());
            }
            long n = (Long) ENQUEUE.run(redis, List.of(evalKey(id), stream, key(id, "done")), args);
            if (n > 0) {
                added += n;
            }
            if (n >= 0 && to < items.size()) {
                CrashPoint.SUBMIT_BETWEEN_CHUNKS.reach();
            }
        }
    }

    /** An item's record to write: its work entry, id, result JSON, and the Redis keys of its image and scores. */
    record Completion(WorkQueue.Delivery delivery, String itemId, String resultJson, String imageRedisKey,
                      List<String> scoreKeys) {
    }

    /**
     * Records items' results with their counters and acknowledges their work entries: each item in one atomic step
     * of its own, the steps sent in one round trip.
     *
     * @return how many this call recorded (an item recorded before, or of an evaluation no longer running, is not)
     */
    int complete(String id, List<Completion> items) {
        List<String> keys = List.of(evalKey(id), key(id, "results"), key(id, "done"), madeKey(id), scoredKey(id), stream,
                activeKey(), key(id, "attempts"), key(id, "first_failure"));
        if (items.size() == 1) {
            return Long.valueOf(1).equals(COMPLETE.run(redis, keys, completeArgs(id, items.get(0)))) ? 1 : 0;
        }
        List<Object> replies = COMPLETE.runPipelined(redis, keys, items.stream().map(c -> completeArgs(id, c)).toList());
        return (int) replies.stream().filter(Long.valueOf(1)::equals).count();
    }

    private List<String> completeArgs(String id, Completion c) {
        List<String> args = new ArrayList<>(List.of(group, c.delivery().id().toString(), c.itemId(), c.resultJson(),
                c.imageRedisKey(), Long.toString(System.currentTimeMillis()), id));
        args.addAll(c.scoreKeys());
        return args;
    }

    /**
     * Gives up on an item whose retries are exhausted: files it as failed with {@code failureJson} (its last error),
     * counts it towards completion and acknowledges its work entry, all at once.
     *
     * @return whether this call filed it (false: recorded before, or the evaluation is no longer running)
     */
    boolean giveUp(String id, WorkQueue.Delivery delivery, String itemId, String failureJson) {
        Object r = GIVE_UP.run(redis, List.of(evalKey(id), key(id, "failed"), key(id, "done"), stream, activeKey()),
                List.of(group, delivery.id().toString(), itemId, failureJson, Long.toString(System.currentTimeMillis()), id));
        return Long.valueOf(1).equals(r);
    }

    /** A failed item's attempts so far and when it first failed. */
    record Attempts(long count, long firstFailureMillis) {
    }

    /** Counts a failed attempt for each item and returns each one's attempts so far. */
    List<Attempts> attempt(String id, List<String> itemIds) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(System.currentTimeMillis()));
        args.addAll(itemIds);
        List<?> r = (List<?>) ATTEMPT.run(redis, List.of(key(id, "attempts"), key(id, "first_failure")), args);
        List<Attempts> out = new ArrayList<>();
        for (Object o : r) {
            List<?> pair = (List<?>) o;
            out.add(new Attempts((Long) pair.get(0), (Long) pair.get(1)));
        }
        return out;
    }

    /** The items given up on, by item id, each with its failure JSON. */
    Map<String, String> failedItems(String id) {
        return redis.hgetAll(key(id, "failed"));
    }

    /** Where credits for images this evaluation generated are filed. */
    String madeKey(String id) {
        return key(id, "made");
    }

    /** Where credits for scores this evaluation computed are filed. */
    String scoredKey(String id) {
        return key(id, "scored");
    }

    /** Cancels a running evaluation; returns the state after the call. */
    public String cancel(String id) {
        Object r = CANCEL.run(redis, List.of(evalKey(id), activeKey()), List.of(id, Long.toString(System.currentTimeMillis())));
        if (r == null) {
            throw new IllegalArgumentException("unknown evaluation '" + id + "'");
        }
        CrashPoint.CANCEL_BEFORE_REPLY.reach();
        return (String) r;
    }

    /** Fails a running evaluation with the reason; returns the state after the call. */
    String fail(String id, String message) {
        Object r = FAIL.run(redis, List.of(evalKey(id), activeKey()),
                List.of(id, message, Long.toString(System.currentTimeMillis())));
        return r == null ? "" : (String) r;
    }

    /** Notes what a running evaluation waits for (shown by Watch until an item of it succeeds). */
    void waiting(String id, String message) {
        WAIT.run(redis, List.of(evalKey(id)), List.of(message));
    }

    /** Clears the waiting note after an item of the evaluation went through. */
    void progressing(String id) {
        redis.hdel(evalKey(id), "waiting");
    }

    /** State and epoch of an evaluation (nulls when it is unknown). */
    List<String> stateAndEpoch(String id) {
        return redis.hmget(evalKey(id), "state", "epoch");
    }

    /** Ids of the evaluations that run. */
    public Set<String> active() {
        return redis.smembers(activeKey());
    }

    /** Takes an id off the active set (its evaluation is gone or finished). */
    void inactive(String id) {
        redis.srem(activeKey(), id);
    }

    /** The stored plan and spec JSON of an evaluation (nulls when gone). */
    public List<String> planAndSpec(String id) {
        return redis.mget(key(id, "plan"), key(id, "spec"));
    }

    /** Counters and state of an evaluation. */
    public Progress progress(String id) {
        Map<String, String> h = redis.hgetAll(evalKey(id));
        if (h.isEmpty() || !h.containsKey("state")) {
            throw new IllegalArgumentException("unknown evaluation '" + id + "'");
        }
        long total = num(h, "total");
        return new Progress(h.get("state"), total, num(h, "done"), num(h, "generated"), num(h, "image_cache_hits"),
                num(h, "scores_computed"), num(h, "score_cache_hits"), h.getOrDefault("last_error", ""),
                h.getOrDefault("waiting", ""), h.getOrDefault("name", ""), num(h, "created"),
                h.containsKey("queued") ? num(h, "queued") : total, h.containsKey("epoch") ? num(h, "epoch") : 1,
                num(h, "failed"));
    }

    private static long num(Map<String, String> h, String k) {
        return Long.parseLong(h.getOrDefault(k, "0"));
    }
}
