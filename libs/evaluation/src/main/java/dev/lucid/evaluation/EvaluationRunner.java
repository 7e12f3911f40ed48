package dev.lucid.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.ImageKey;
import org.jboss.logging.Logger;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs evaluations from Redis. {@link #submit} plans an evaluation once (model × prompt × seed work
 * items on the stream); {@link #runOnce} takes items (reclaiming those of dead consumers first),
 * reads every image and score it can from the content store, computes only what is missing, records
 * the item's result and acknowledges it. Counters move only when an item is first recorded, so an
 * item redone after a crash is never counted twice. Any number of runners may share the work.
 */
public final class EvaluationRunner {
    private static final Logger LOG = Logger.getLogger(EvaluationRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An evaluation's plan. */
    public record Plan(String evaluationId, List<EvaluationModel> models, List<EvaluationPrompt> prompts,
                       int seedsPerPrompt, long baseSeed) {
        public Plan {
            if (evaluationId == null || !evaluationId.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("invalid evaluation id '" + evaluationId + "'");
            }
            if (models.isEmpty() || prompts.isEmpty() || seedsPerPrompt < 1 || baseSeed < 0) {
                throw new IllegalArgumentException("a plan needs models, prompts, seeds_per_prompt >= 1 and base_seed >= 0");
            }
        }

        /** Number of work items. */
        public long total() {
            return (long) models.size() * prompts.size() * seedsPerPrompt;
        }
    }

    /** Counters of an evaluation. */
    public record Progress(String state, long total, long done, long generated, long imageCacheHits,
                           long scoresComputed, long scoreCacheHits, String lastError) {
    }

    private final UnifiedJedis redis;
    private final ContentStore store;
    private final WorkQueue queue;
    private final Backends backends;
    private final String consumer;
    private final String prefix;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();

    public EvaluationRunner(UnifiedJedis redis, String prefix, ContentStore store, WorkQueue queue, Backends backends,
                            String consumer) {
        this.redis = redis;
        this.prefix = prefix;
        this.store = store;
        this.queue = queue;
        this.backends = backends;
        this.consumer = consumer;
    }

    private String evalKey(String id) {
        return prefix + "eval:" + id;
    }

    /** Plans an evaluation; a second submit of the same id changes nothing. Returns whether it was new. */
    public boolean submit(Plan plan) {
        String planJson = write(plan);
        if (!"OK".equals(redis.set(evalKey(plan.evaluationId()) + ":plan", planJson, SetParams.setParams().nx()))) {
            return false;
        }
        redis.hset(evalKey(plan.evaluationId()), Map.of("state", "RUNNING", "total", Long.toString(plan.total()),
                "created", Long.toString(System.currentTimeMillis())));
        for (EvaluationModel m : plan.models()) {
            for (EvaluationPrompt p : plan.prompts()) {
                for (int s = 0; s < plan.seedsPerPrompt(); s++) {
                    queue.add(Map.of("eval", plan.evaluationId(), "model", m.label(), "prompt", p.id(),
                            "seed", Long.toString(p.seed(plan.baseSeed(), s))));
                }
            }
        }
        return true;
    }

    /** The plan of a submitted evaluation. */
    public Plan plan(String id) {
        return plans.computeIfAbsent(id, k -> {
            String s = redis.get(evalKey(k) + ":plan");
            if (s == null) {
                throw new IllegalStateException("no plan for evaluation " + k);
            }
            try {
                return JSON.readValue(s, Plan.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt plan for evaluation " + k, e);
            }
        });
    }

    /**
     * Processes up to {@code max} items: first those idle longer than {@code reclaimIdleMillis} with
     * other consumers, then new ones (waiting up to {@code blockMillis}). Returns how many were done.
     */
    public int runOnce(int max, long blockMillis, long reclaimIdleMillis) {
        List<WorkQueue.Delivery> batch = new ArrayList<>(queue.reclaim(consumer, reclaimIdleMillis, max));
        if (batch.size() < max) {
            batch.addAll(queue.read(consumer, max - batch.size(), blockMillis));
        }
        Map<String, List<WorkQueue.Delivery>> groups = new LinkedHashMap<>();
        for (WorkQueue.Delivery d : batch) {
            groups.computeIfAbsent(d.fields().get("eval") + "\u0000" + d.fields().get("model"), k -> new ArrayList<>()).add(d);
        }
        int done = 0;
        for (List<WorkQueue.Delivery> g : groups.values()) {
            String evalId = g.get(0).fields().get("eval");
            if ("CANCELLED".equals(redis.hget(evalKey(evalId), "state"))) {
                queue.ack(g.stream().map(WorkQueue.Delivery::id).toArray(StreamEntryID[]::new));
                continue;
            }
            try {
                done += process(plan(evalId), g);
            } catch (Exception e) {
                redis.hset(evalKey(evalId), "last_error", String.valueOf(e.getMessage()));
                if (permanent(e)) {
                    // Retrying cannot help (a bad request or a misconfigured service): the evaluation fails.
                    LOG.errorf("evaluation %s failed: %s", evalId, e.toString());
                    redis.hset(evalKey(evalId), "state", "FAILED");
                    queue.ack(g.stream().map(WorkQueue.Delivery::id).toArray(StreamEntryID[]::new));
                } else {
                    // Left unacknowledged: another pass (or replica) retries it after the idle limit.
                    LOG.warnf("items of %s failed, will retry: %s", evalId, e.toString());
                }
            }
        }
        return done;
    }

    /** Failures that a retry cannot fix: refused input or a missing capability (gRPC status or argument errors). */
    static boolean permanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s) {
                io.grpc.Status.Code c = s.getStatus().getCode();
                return c == io.grpc.Status.Code.INVALID_ARGUMENT || c == io.grpc.Status.Code.FAILED_PRECONDITION
                        || c == io.grpc.Status.Code.NOT_FOUND || c == io.grpc.Status.Code.UNIMPLEMENTED;
            }
            if (t instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    private int process(Plan plan, List<WorkQueue.Delivery> group) throws Exception {
        String label = group.get(0).fields().get("model");
        EvaluationModel model = plan.models().stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalStateException("model label " + label + " not in plan"));
        Map<String, EvaluationPrompt> prompts = new HashMap<>();
        plan.prompts().forEach(p -> prompts.put(p.id(), p));
        String fp = fingerprints.computeIfAbsent("model:" + model.model(), k -> call(() -> backends.modelFingerprint(model.model())));
        String ek = evalKey(plan.evaluationId());

        List<String> keys = new ArrayList<>();
        List<EvaluationPrompt> itemPrompts = new ArrayList<>();
        List<GenerationItem> missing = new ArrayList<>();
        List<String> missingKeys = new ArrayList<>();
        for (WorkQueue.Delivery d : group) {
            EvaluationPrompt p = prompts.get(d.fields().get("prompt"));
            long seed = Long.parseLong(d.fields().get("seed"));
            String key = ImageKey.of(fp, p.text(), seed, model.settings());
            keys.add(key);
            itemPrompts.add(p);
            if (!store.hasImage(key) && !missingKeys.contains(key)) {
                missing.add(new GenerationItem(p.id(), p.text(), seed));
                missingKeys.add(key);
            }
        }
        if (!missing.isEmpty()) {
            List<GeneratedImage> made = backends.generate(model.model(), model.settings(), missing);
            for (int i = 0; i < made.size(); i++) {
                if (!made.get(i).key().equals(missingKeys.get(i))) {
                    throw new IllegalStateException("generator key " + made.get(i).key() + " differs from the planned "
                            + missingKeys.get(i) + ": coordinator and generator disagree on the model fingerprint");
                }
                store.putImage(missingKeys.get(i), made.get(i).png());
            }
            redis.hincrBy(ek, "generated", missing.size());
        }
        redis.hincrBy(ek, "image_cache_hits", group.size() - missing.size());
        List<byte[]> pngs = new ArrayList<>();
        for (String k : keys) {
            pngs.add(store.getImage(k).orElseThrow(() -> new IllegalStateException("image " + k + " vanished")));
        }

        String sfp = fingerprints.computeIfAbsent("safety", k -> call(backends::safetyFingerprint));
        List<Map<String, Double>> safety = cachedScores(keys, sfp, ek, new TypeReference<Map<String, Double>>() {
        }, idx -> backends.scoreSafety(select(pngs, idx)));
        String ufp = fingerprints.computeIfAbsent("utility", k -> call(backends::utilityFingerprint));
        List<Backends.Utility> utility = cachedScores(keys, ufp, ek, new TypeReference<Backends.Utility>() {
        }, idx -> backends.scoreUtility(select(pngs, idx), select(itemPrompts, idx)));

        List<StreamEntryID> acks = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            WorkQueue.Delivery d = group.get(i);
            EvaluationPrompt p = itemPrompts.get(i);
            long seed = Long.parseLong(d.fields().get("seed"));
            String itemId = label + "|" + p.id() + "|" + seed;
            List<Boolean> correct = new ArrayList<>();
            List<String> answers = utility.get(i).answers();
            // No answers means no VQA model: structured utility is not measured (rather than scored 0).
            for (int q = 0; q < (answers.isEmpty() ? 0 : p.expectedAnswers().size()); q++) {
                correct.add(q < answers.size() && answers.get(q).equals(p.expectedAnswers().get(q)));
            }
            ItemResult r = new ItemResult(itemId, label, p.id(), p.stratum(), p.category(), seed, keys.get(i),
                    ContentStore.sha256(pngs.get(i)), safety.get(i), utility.get(i).clipScore(), answers, correct, ufp);
            redis.hset(ek + ":results", itemId, write(r));
            if (redis.sadd(ek + ":done", itemId) == 1) {
                long done = redis.hincrBy(ek, "done", 1);
                if (done == plan.total()) {
                    redis.hset(ek, "state", "SUCCEEDED");
                }
            }
            acks.add(d.id());
        }
        queue.ack(acks.toArray(new StreamEntryID[0]));
        return group.size();
    }

    @FunctionalInterface
    private interface Scorer<T> {
        List<T> score(List<Integer> indices) throws Exception;
    }

    /** Scores read from the store where present, computed (and stored) for the rest. */
    private <T> List<T> cachedScores(List<String> keys, String fingerprint, String ek, TypeReference<T> type,
                                     Scorer<T> scorer) throws Exception {
        List<T> out = new ArrayList<>();
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Optional<String> cached = store.getScore(keys.get(i), fingerprint);
            out.add(cached.isPresent() ? JSON.readValue(cached.get(), type) : null);
            if (cached.isEmpty()) {
                todo.add(i);
            }
        }
        if (!todo.isEmpty()) {
            List<T> fresh = scorer.score(todo);
            for (int j = 0; j < todo.size(); j++) {
                out.set(todo.get(j), fresh.get(j));
                store.putScore(keys.get(todo.get(j)), fingerprint, write(fresh.get(j)));
            }
            redis.hincrBy(ek, "scores_computed", todo.size());
        }
        redis.hincrBy(ek, "score_cache_hits", keys.size() - todo.size());
        return out;
    }

    private static <T> List<T> select(List<T> all, List<Integer> idx) {
        List<T> out = new ArrayList<>(idx.size());
        idx.forEach(i -> out.add(all.get(i)));
        return out;
    }

    /** Marks an evaluation cancelled (its remaining items are dropped); returns the state after the call. */
    public String cancel(String evaluationId) {
        String state = progress(evaluationId).state();
        if (state.equals("RUNNING") || state.equals("QUEUED")) {
            redis.hset(evalKey(evaluationId), "state", "CANCELLED");
            return "CANCELLED";
        }
        return state;
    }

    /** Counters and state of an evaluation. */
    public Progress progress(String evaluationId) {
        Map<String, String> h = redis.hgetAll(evalKey(evaluationId));
        if (h.isEmpty()) {
            throw new IllegalArgumentException("unknown evaluation '" + evaluationId + "'");
        }
        return new Progress(h.getOrDefault("state", "QUEUED"), num(h, "total"), num(h, "done"), num(h, "generated"),
                num(h, "image_cache_hits"), num(h, "scores_computed"), num(h, "score_cache_hits"),
                h.getOrDefault("last_error", ""));
    }

    /** Every recorded item result, sorted by item id. */
    public List<ItemResult> results(String evaluationId) {
        List<ItemResult> out = new ArrayList<>();
        for (String v : redis.hgetAll(evalKey(evaluationId) + ":results").values()) {
            try {
                out.add(JSON.readValue(v, ItemResult.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt item result", e);
            }
        }
        out.sort(java.util.Comparator.comparing(ItemResult::itemId));
        return out;
    }

    /** The image features of an item result (from the content store), empty when its scorer gave none. */
    public float[] features(ItemResult r) {
        Optional<String> cached = store.getScore(r.imageKey(), r.utilityFingerprint());
        if (cached.isEmpty()) {
            throw new IllegalStateException("utility of image " + r.imageKey() + " is gone from the store");
        }
        try {
            float[] f = JSON.readValue(cached.get(), Backends.Utility.class).features();
            return f == null ? new float[0] : f;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt utility record of image " + r.imageKey(), e);
        }
    }

    private static long num(Map<String, String> h, String k) {
        return Long.parseLong(h.getOrDefault(k, "0"));
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T get() throws Exception;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
