package dev.lucid.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.ImageKey;
import dev.lucid.metrics.faithfulness.AnswerRule;
import org.jboss.logging.Logger;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs evaluations from Redis. {@link #submit} records an evaluation and queues its model × prompt × seed work
 * items; {@link #runOnce} takes items for one consumer (its own unfinished ones first, then those of consumers
 * silent longer than the reclaim limit, then new ones), reads every image and score it can from the content
 * store, computes only what is missing and records each item with its counters and acknowledgement in one
 * atomic step ({@link EvaluationLedger}). A retried or reclaimed item is never counted twice, and an item counts
 * as generated (or its scores as computed) only when this evaluation computed that content for it. Any number of
 * runners and consumers may share the work.
 */
public final class EvaluationRunner {
    private static final Logger LOG = Logger.getLogger(EvaluationRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Work items queued per atomic step. */
    public static final int QUEUE_CHUNK = 256;

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

        /** The work items in their fixed order (model, prompt, seed). */
        List<EvaluationLedger.PlannedItem> items() {
            List<EvaluationLedger.PlannedItem> out = new ArrayList<>();
            for (EvaluationModel m : models) {
                for (EvaluationPrompt p : prompts) {
                    for (int s = 0; s < seedsPerPrompt; s++) {
                        out.add(new EvaluationLedger.PlannedItem(m.label(), p.id(), p.seed(baseSeed, s)));
                    }
                }
            }
            return out;
        }
    }

    /**
     * What one pass did: items recorded, entries dropped (their evaluation no longer runs), and, when a peer
     * failed in a way a retry may fix, what the work waits for (the caller backs off), else null.
     */
    public record Pass(int recorded, int dropped, String waitingFor) {
    }

    /** The copy of an evaluation's definition a runner keeps, to plan it again if Redis loses its data. */
    private record Definition(String planJson, String specJson, String name, long total) {
    }

    private final UnifiedJedis redis;
    private final ContentStore store;
    private final WorkQueue queue;
    private final Backends backends;
    private final EvaluationLedger ledger;
    private final ClaimKeeper claims;
    private final int queueChunk;
    private final RetryPolicy retries;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, Definition> definitions = new ConcurrentHashMap<>();
    /** Per runner: model and scorer fingerprints, and why a model has no text encoder ("" when it has one). */
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();

    public EvaluationRunner(UnifiedJedis redis, String prefix, ContentStore store, WorkQueue queue, Backends backends) {
        this(redis, prefix, store, queue, backends, QUEUE_CHUNK, RetryPolicy.DEFAULT);
    }

    /**
     * @param queueChunk work items queued per atomic step
     * @param retries    when an item that keeps failing is given up on
     */
    public EvaluationRunner(UnifiedJedis redis, String prefix, ContentStore store, WorkQueue queue, Backends backends,
                            int queueChunk, RetryPolicy retries) {
        if (queueChunk < 1) {
            throw new IllegalArgumentException("queueChunk must be >= 1, got " + queueChunk);
        }
        this.queueChunk = queueChunk;
        this.retries = retries;
        this.redis = redis;
        this.store = store;
        this.queue = queue;
        this.backends = backends;
        this.ledger = new EvaluationLedger(redis, prefix, queue);
        this.claims = new ClaimKeeper(queue);
    }

    /** The evaluations' state in Redis. */
    public EvaluationLedger ledger() {
        return ledger;
    }

    /** Starts renewing the claims of items being processed every {@code periodMillis}. */
    public void keepClaimsFresh(long periodMillis) {
        claims.start(periodMillis);
    }

    /** Stops renewing claims. */
    public void stopKeepingClaims() {
        claims.close();
    }

    /**
     * Records an evaluation and queues its work. A second submit of the same id queues whatever a cut-short
     * submit left unqueued and changes nothing else (RESUMED); a cancelled or failed evaluation starts again
     * (RESTARTED: items done stay done, the rest is queued anew).
     *
     * @param specJson the spec as submitted (kept for the report)
     * @param name     the spec's human name (for listings)
     */
    public EvaluationLedger.Submitted submit(Plan plan, String specJson, String name) {
        String planJson = write(plan);
        EvaluationLedger.Submitted what = ledger.create(plan.evaluationId(), planJson, specJson, plan.total(), name);
        definitions.put(plan.evaluationId(), new Definition(planJson, specJson, name, plan.total()));
        if (what == EvaluationLedger.Submitted.CREATED) {
            CrashPoint.SUBMIT_AFTER_CREATE.reach();
        } else if (what == EvaluationLedger.Submitted.RESTARTED) {
            CrashPoint.RESTART_AFTER_EPOCH.reach();
        }
        ledger.enqueueRemaining(plan.evaluationId(), plan.items(), queueChunk);
        CrashPoint.SUBMIT_BEFORE_REPLY.reach();
        return what;
    }

    /**
     * Finishes the queueing of a running evaluation that a dead submitter left incomplete (a no-op when all is
     * queued), and keeps a copy of its definition. Called for every active evaluation by a periodic sweep.
     */
    public void resumeQueueing(String id) {
        List<String> ps = ledger.planAndSpec(id);
        if (ps.get(0) == null) {
            ledger.inactive(id); // gone (a Redis that lost its data): nothing can advance it
            return;
        }
        Plan plan = plan(id);
        definitions.computeIfAbsent(id, k -> new Definition(ps.get(0), ps.get(1) == null ? "{}" : ps.get(1),
                ledger.progress(id).name(), plan.total()));
        ledger.enqueueRemaining(id, plan.items(), queueChunk);
    }

    /**
     * Plans an evaluation again from this runner's copy of its definition after Redis lost its data; every item
     * runs again (the cache went with the data). Returns whether a copy was there.
     */
    public boolean replanLost(String id, String note) {
        Definition d = definitions.get(id);
        if (d == null) {
            return false;
        }
        plans.remove(id);
        ledger.create(id, d.planJson(), d.specJson(), d.total(), d.name());
        ledger.waiting(id, note);
        ledger.enqueueRemaining(id, plan(id).items(), queueChunk);
        return true;
    }

    /** The plan of a submitted evaluation. */
    public Plan plan(String id) {
        return plans.computeIfAbsent(id, k -> {
            String s = redis.get(ledger.key(k, "plan"));
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
     * Processes up to {@code max} items for {@code consumer}: first those it took before and has not finished,
     * else those idle longer than {@code reclaimIdleMillis} with other consumers, else new ones (waiting up to
     * {@code blockMillis}). Items of evaluations that no longer run (cancelled, failed, gone) or of an earlier
     * epoch are acknowledged and dropped. A transient peer failure leaves the items with this consumer, notes what
     * the evaluation waits for and says so in the result, so the caller backs off before retrying.
     */
    public Pass runOnce(String consumer, int max, long blockMillis, long reclaimIdleMillis) {
        List<WorkQueue.Delivery> batch = queue.readOwnPending(consumer, max);
        if (batch.isEmpty()) {
            batch = queue.reclaim(consumer, reclaimIdleMillis, max);
            if (!batch.isEmpty()) {
                CrashPoint.ITEMS_AFTER_RECLAIM.reach();
                batch = giveUpOverdelivered(batch);
            }
        }
        if (batch.isEmpty()) {
            batch = queue.read(consumer, max, blockMillis);
            if (!batch.isEmpty()) {
                CrashPoint.ITEMS_AFTER_DELIVERY.reach();
            }
        }
        // The whole batch is held from here: its later groups wait while the first one's peer calls run.
        List<StreamEntryID> held = batch.stream().map(WorkQueue.Delivery::id).toList();
        claims.hold(consumer, held);
        try {
            return processBatch(batch);
        } finally {
            claims.release(consumer, held);
        }
    }

    private Pass processBatch(List<WorkQueue.Delivery> batch) {
        Map<String, List<WorkQueue.Delivery>> groups = new LinkedHashMap<>();
        List<StreamEntryID> stale = new ArrayList<>();
        Map<String, List<String>> states = new HashMap<>();
        for (WorkQueue.Delivery d : batch) {
            String evalId = d.fields().get("eval");
            List<String> se = states.computeIfAbsent(evalId, ledger::stateAndEpoch);
            String epoch = d.fields().get("epoch");
            if (!"RUNNING".equals(se.get(0)) || (epoch != null && !epoch.equals(se.get(1)))) {
                stale.add(d.id());
            } else {
                groups.computeIfAbsent(evalId + "\u0000" + d.fields().get("model"), k -> new ArrayList<>()).add(d);
            }
        }
        queue.ack(stale.toArray(new StreamEntryID[0]));
        int recorded = 0;
        String waitingFor = null;
        for (List<WorkQueue.Delivery> g : groups.values()) {
            String evalId = g.get(0).fields().get("eval");
            List<StreamEntryID> ids = g.stream().map(WorkQueue.Delivery::id).toList();
            try {
                recorded += process(plan(evalId), g);
                ledger.progressing(evalId);
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                throw e; // Redis itself is unreachable: nothing can be recorded, the worker backs off
            } catch (RuntimeException e) {
                // A fault of this process on these items (not of a peer): retried like a peer failure, within bounds.
                LOG.errorf(e, "items of %s failed in the coordinator", evalId);
                waitingFor = "waiting after a coordinator error: " + describe(e);
                ledger.waiting(evalId, waitingFor);
                giveUpExhausted(evalId, g, waitingFor);
            } catch (PeerFailure f) {
                Throwable e = f.getCause();
                if (permanent(e)) {
                    // Retrying cannot help (a bad request or a misconfigured service): the evaluation fails.
                    String reason = f.peer + " refused the work: " + describe(e);
                    LOG.errorf("evaluation %s failed: %s", evalId, reason);
                    ledger.fail(evalId, reason);
                    queue.ack(ids.toArray(new StreamEntryID[0]));
                } else {
                    // Left with this consumer, which retries them first after backing off.
                    waitingFor = "waiting for " + f.peer + ": " + describe(e);
                    LOG.warnf("items of %s wait: %s", evalId, waitingFor);
                    ledger.waiting(evalId, waitingFor);
                    giveUpExhausted(evalId, g, waitingFor);
                }
            }
        }
        return new Pass(recorded, stale.size(), waitingFor);
    }

    /**
     * Counts a failed attempt for each of the items and gives up on those whose retries are exhausted: they are
     * filed as failed with {@code error} and count towards the evaluation's completion (the report names them).
     */
    private void giveUpExhausted(String evalId, List<WorkQueue.Delivery> group, String error) {
        List<String> itemIds = group.stream().map(EvaluationRunner::itemId).toList();
        List<EvaluationLedger.Attempts> attempts = ledger.attempt(evalId, itemIds);
        long now = System.currentTimeMillis();
        for (int i = 0; i < group.size(); i++) {
            EvaluationLedger.Attempts a = attempts.get(i);
            if (retries.exhausted(a.count(), now - a.firstFailureMillis())) {
                giveUp(evalId, group.get(i), error, a.count());
            }
        }
    }

    /**
     * Gives up on reclaimed items that were handed out too often without being recorded: each consumer that held
     * them stopped (an item that kills its worker would otherwise kill every coordinator in turn). Returns the rest.
     */
    private List<WorkQueue.Delivery> giveUpOverdelivered(List<WorkQueue.Delivery> batch) {
        List<WorkQueue.Delivery> keep = new ArrayList<>();
        for (WorkQueue.Delivery d : batch) {
            if (d.deliveries() >= retries.maxDeliveries() && d.fields().get("eval") != null) {
                giveUp(d.fields().get("eval"), d, "handed out " + d.deliveries()
                        + " times and never recorded: every consumer that held it stopped", 0);
            } else {
                keep.add(d);
            }
        }
        return keep;
    }

    private void giveUp(String evalId, WorkQueue.Delivery d, String error, long attempts) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("model", d.fields().get("model"));
        failure.put("prompt", d.fields().get("prompt"));
        failure.put("seed", Long.parseLong(d.fields().get("seed")));
        failure.put("attempts", attempts);
        failure.put("error", error);
        if (ledger.giveUp(evalId, d, itemId(d), write(failure))) {
            LOG.errorf("evaluation %s: gave up on item %s after %d attempts: %s", evalId, itemId(d), attempts, error);
        }
    }

    private static String itemId(WorkQueue.Delivery d) {
        return EvaluationLedger.PlannedItem.itemId(d.fields().get("model"), d.fields().get("prompt"),
                Long.parseLong(d.fields().get("seed")));
    }

    /** A failure of one peer (generator, safety or utility scorer) while processing items. */
    private static final class PeerFailure extends Exception {
        final String peer;

        PeerFailure(String peer, Throwable cause) {
            super(peer + ": " + cause, cause);
            this.peer = peer;
        }
    }

    @FunctionalInterface
    private interface PeerCall<T> {
        T call() throws Exception;
    }

    private static <T> T at(String peer, PeerCall<T> c) throws PeerFailure {
        try {
            return c.call();
        } catch (Exception e) {
            throw new PeerFailure(peer, e);
        }
    }

    /** A failure in words: a gRPC status as CODE: description, anything else as its class and message. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s) {
                String d = s.getStatus().getDescription();
                return s.getStatus().getCode() + (d == null ? "" : ": " + d);
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Failures that a retry cannot fix: refused input or a missing capability (gRPC status or argument errors). */
    static boolean permanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s) {
                return dev.lucid.kserve.StatusMapping.isPermanent(s.getStatus().getCode());
            }
            if (t instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    private int process(Plan plan, List<WorkQueue.Delivery> group) throws PeerFailure {
        String label = group.get(0).fields().get("model");
        String evalId = plan.evaluationId();
        EvaluationModel model = plan.models().stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalStateException("model label " + label + " not in plan"));
        Map<String, EvaluationPrompt> prompts = new HashMap<>();
        plan.prompts().forEach(p -> prompts.put(p.id(), p));
        String fp = at("generator", () -> fingerprints.computeIfAbsent("model:" + model.model(),
                k -> call(() -> backends.modelFingerprint(model.model()))));

        List<String> keys = new ArrayList<>();
        List<String> itemIds = new ArrayList<>();
        List<EvaluationPrompt> itemPrompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (WorkQueue.Delivery d : group) {
            EvaluationPrompt p = prompts.get(d.fields().get("prompt"));
            long seed = Long.parseLong(d.fields().get("seed"));
            keys.add(ImageKey.of(fp, p.text(), seed, model.settings()));
            itemIds.add(EvaluationLedger.PlannedItem.itemId(label, p.id(), seed));
            itemPrompts.add(p);
            seeds.add(seed);
        }
        // One read for the batch, now, so that a stored image that fails its hash is generated again in this pass.
        Map<String, ContentStore.StoredImage> images = new HashMap<>(store.getImages(keys));
        List<GenerationItem> missing = new ArrayList<>();
        List<String> missingKeys = new ArrayList<>();
        List<String> missingItems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!images.containsKey(keys.get(i)) && !missingKeys.contains(keys.get(i))) {
                missing.add(new GenerationItem(itemPrompts.get(i).id(), itemPrompts.get(i).text(), seeds.get(i)));
                missingKeys.add(keys.get(i));
                missingItems.add(itemIds.get(i));
            }
        }
        if (!missing.isEmpty()) {
            List<GeneratedImage> made = at("generator", () -> backends.generate(model.model(), model.settings(), missing));
            for (int i = 0; i < made.size(); i++) {
                if (!made.get(i).key().equals(missingKeys.get(i))) {
                    throw new IllegalStateException("generator key " + made.get(i).key() + " differs from the planned "
                            + missingKeys.get(i) + ": coordinator and generator disagree on the model fingerprint");
                }
                // Hashed once, here: the same bytes as any copy another worker stored first (images are deterministic).
                ContentStore.StoredImage image = ContentStore.StoredImage.of(made.get(i).png());
                store.putImage(missingKeys.get(i), image, new ContentStore.Credit(ledger.madeKey(evalId), missingItems.get(i)));
                images.put(missingKeys.get(i), image);
            }
            CrashPoint.ITEMS_AFTER_IMAGES.reach();
        }
        List<byte[]> pngs = new ArrayList<>();
        for (String k : keys) {
            pngs.add(images.get(k).png());
        }

        String sfp = at("safety scorer", () -> fingerprints.computeIfAbsent("safety", k -> call(backends::safetyFingerprint)));
        List<Map<String, Double>> safety = at("safety scorer", () -> cachedScores(keys, itemIds, sfp, evalId,
                json -> JSON.readValue(json, SAFETY_SCORES), idx -> backends.scoreSafety(select(pngs, idx))));
        CrashPoint.ITEMS_AFTER_SAFETY.reach();
        String ufp = at("utility scorer", () -> fingerprints.computeIfAbsent("utility", k -> call(backends::utilityFingerprint)));
        // A cached utility is read without its features (the item's record needs only the score and answers).
        List<Backends.Utility> utility = at("utility scorer", () -> cachedScores(keys, itemIds, ufp, evalId,
                json -> JSON.readValue(json, UtilityRecord.class).utility(),
                idx -> backends.scoreUtility(select(pngs, idx), select(itemPrompts, idx))));
        CrashPoint.ITEMS_AFTER_UTILITY.reach();
        recordReportInputs(evalId, model, label, fp, sfp, ufp, itemPrompts);

        List<EvaluationLedger.Completion> completions = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            WorkQueue.Delivery d = group.get(i);
            EvaluationPrompt p = itemPrompts.get(i);
            long seed = Long.parseLong(d.fields().get("seed"));
            List<Boolean> correct = new ArrayList<>();
            List<String> answers = utility.get(i).answers();
            // No answers means no VQA model: structured utility is not measured (rather than scored 0).
            for (int q = 0; q < (answers.isEmpty() ? 0 : p.expectedAnswers().size()); q++) {
                correct.add(q < answers.size() && AnswerRule.correct(answers.get(q), p.expectedAnswers().get(q),
                        p.question(q).choices(), q < p.questionOps().size() && !p.questionOps().get(q).isBlank()));
            }
            ItemResult r = new ItemResult(itemIds.get(i), label, p.id(), p.stratum(), p.category(), seed, keys.get(i),
                    images.get(keys.get(i)).sha256(), safety.get(i), utility.get(i).clipScore(), answers, correct, ufp);
            completions.add(new EvaluationLedger.Completion(d, itemIds.get(i), write(r), store.imageRedisKey(keys.get(i)),
                    List.of(store.scoreRedisKey(keys.get(i), sfp), store.scoreRedisKey(keys.get(i), ufp))));
        }
        // The first item alone, then the rest in one round trip: each record is still its own atomic step.
        int recorded = ledger.complete(evalId, completions.subList(0, 1));
        if (completions.size() > 1) {
            CrashPoint.ITEMS_BETWEEN_COMPLETIONS.reach();
            recorded += ledger.complete(evalId, completions.subList(1, completions.size()));
        }
        return recorded;
    }

    private static final TypeReference<Map<String, Double>> SAFETY_SCORES = new TypeReference<>() {
    };

    /** A stored utility read for an item's record: the features it also holds are skipped, not parsed. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    private record UtilityRecord(double clipScore, List<String> answers) {
        Backends.Utility utility() {
            return new Backends.Utility(clipScore, answers == null ? List.of() : answers, null);
        }
    }

    /**
     * Records, before any item of the batch is recorded, what the report will need besides the items: the model's
     * fingerprint under its label, the scorers behind the scores, and the text-encoder embeddings of the batch's
     * benign prompts (geometry). A report is then assembled from Redis alone, never by asking the mesh again.
     */
    private void recordReportInputs(String evalId, EvaluationModel model, String label, String fp, String sfp, String ufp,
                                    List<EvaluationPrompt> itemPrompts) throws PeerFailure {
        redis.hset(ledger.key(evalId, "fingerprints"), label, fp);
        String scorersField = sfp + "|" + ufp;
        if (!redis.hexists(ledger.key(evalId, "scorers"), scorersField)) {
            List<Backends.Scorer> described = at("scorers", backends::describeScorers);
            redis.hsetnx(ledger.key(evalId, "scorers"), scorersField, write(described));
        }
        List<String> texts = itemPrompts.stream().filter(p -> p.stratum().startsWith("benign")).map(EvaluationPrompt::text)
                .distinct().filter(t -> !store.hasEmbedding(fp, t)).toList();
        if (!texts.isEmpty()) {
            String none = at("generator", () -> fingerprints.computeIfAbsent("no-encoder:" + model.model(),
                    k -> call(() -> backends.noTextEncoder(model.model()).orElse(""))));
            if (!none.isEmpty()) {
                // Geometry is then reported as not available for this model, with the reason, instead of failing.
                redis.hset(ledger.key(evalId, "no-encoder"), model.model(), none);
                return;
            }
            List<float[]> embeddings = at("generator", () -> backends.encodePrompts(model.model(), texts));
            for (int i = 0; i < texts.size(); i++) {
                store.putEmbedding(fp, texts.get(i), embeddings.get(i));
            }
        }
    }

    /** An item given up on after its retries, as filed. */
    public record FailedItem(String itemId, String model, String prompt, long seed, long attempts, String error) {
    }

    /** The items given up on, ordered by item id. */
    public List<FailedItem> failedItems(String evaluationId) {
        List<FailedItem> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(ledger.failedItems(evaluationId)).entrySet()) {
            try {
                var n = JSON.readTree(e.getValue());
                out.add(new FailedItem(e.getKey(), n.path("model").asText(), n.path("prompt").asText(), n.path("seed").asLong(),
                        n.path("attempts").asLong(), n.path("error").asText()));
            } catch (JsonProcessingException x) {
                throw new IllegalStateException("corrupt failure record of item " + e.getKey(), x);
            }
        }
        return out;
    }

    /** Model fingerprints per label, as recorded while the evaluation ran. */
    public Map<String, String> recordedFingerprints(String evaluationId) {
        return redis.hgetAll(ledger.key(evaluationId, "fingerprints"));
    }

    /** The scorers behind the evaluation's scores, as recorded while it ran (each distinct one once, in order). */
    public List<Backends.Scorer> recordedScorers(String evaluationId) {
        java.util.LinkedHashSet<Backends.Scorer> out = new java.util.LinkedHashSet<>();
        for (String json : new java.util.TreeMap<>(redis.hgetAll(ledger.key(evaluationId, "scorers"))).values()) {
            try {
                out.addAll(JSON.readValue(json, new TypeReference<List<Backends.Scorer>>() {
                }));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt scorer record of evaluation " + evaluationId, e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Text-encoder embeddings as recorded while the evaluation ran, by generator model name (the model's recorded
     * fingerprint under the first label that uses it); a prompt never recorded is an error, not a service call.
     */
    public ReportAssembler.EmbeddingSource recordedEmbeddings(String evaluationId) {
        Map<String, String> noEncoder = redis.hgetAll(ledger.key(evaluationId, "no-encoder"));
        Map<String, String> byLabel = recordedFingerprints(evaluationId);
        Map<String, String> byModel = new HashMap<>();
        for (EvaluationModel m : plan(evaluationId).models()) {
            String fp = byLabel.get(m.label());
            if (fp != null) {
                byModel.putIfAbsent(m.model(), fp);
            }
        }
        return new ReportAssembler.EmbeddingSource() {
            @Override
            public List<float[]> embed(String model, List<String> prompts) {
                String fp = byModel.get(model);
                if (fp == null) {
                    throw new IllegalStateException("no fingerprint recorded for model '" + model + "' in evaluation " + evaluationId);
                }
                List<float[]> out = new ArrayList<>(prompts.size());
                for (String text : prompts) {
                    out.add(store.getEmbedding(fp, text).orElseThrow(() -> new IllegalStateException("the embedding of '" + text
                            + "' under model '" + model + "' was not recorded by evaluation " + evaluationId)));
                }
                return out;
            }

            @Override
            public Optional<String> unavailable(String model) {
                return Optional.ofNullable(noEncoder.get(model));
            }
        };
    }

    @FunctionalInterface
    private interface Scorer<T> {
        List<T> score(List<Integer> indices) throws Exception;
    }

    @FunctionalInterface
    private interface ScoreReader<T> {
        T read(String json) throws JsonProcessingException;
    }

    /** Scores read from the store where present, computed (and stored, credited to their item) for the rest. */
    private <T> List<T> cachedScores(List<String> keys, List<String> itemIds, String fingerprint, String evalId,
                                     ScoreReader<T> reader, Scorer<T> scorer) throws Exception {
        List<T> out = new ArrayList<>();
        List<Integer> todo = new ArrayList<>();
        List<String> cached = store.getScores(keys, fingerprint);
        for (int i = 0; i < keys.size(); i++) {
            String json = cached.get(i);
            out.add(json == null ? null : reader.read(json));
            if (json == null) {
                todo.add(i);
            }
        }
        if (!todo.isEmpty()) {
            List<T> fresh = scorer.score(todo);
            for (int j = 0; j < todo.size(); j++) {
                int i = todo.get(j);
                out.set(i, fresh.get(j));
                store.putScore(keys.get(i), fingerprint, write(fresh.get(j)),
                        new ContentStore.Credit(ledger.scoredKey(evalId), itemIds.get(i)));
            }
        }
        return out;
    }

    private static <T> List<T> select(List<T> all, List<Integer> idx) {
        List<T> out = new ArrayList<>(idx.size());
        idx.forEach(i -> out.add(all.get(i)));
        return out;
    }

    /** Cancels an evaluation (items queued or in flight are dropped); returns the state after the call. */
    public String cancel(String evaluationId) {
        return ledger.cancel(evaluationId);
    }

    /** Counters and state of an evaluation. */
    public EvaluationLedger.Progress progress(String evaluationId) {
        return ledger.progress(evaluationId);
    }

    /** Every recorded item result, sorted by item id. */
    public List<ItemResult> results(String evaluationId) {
        List<ItemResult> out = new ArrayList<>();
        for (String v : redis.hgetAll(ledger.key(evaluationId, "results")).values()) {
            try {
                out.add(JSON.readValue(v, ItemResult.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt item result", e);
            }
        }
        out.sort(java.util.Comparator.comparing(ItemResult::itemId));
        return out;
    }

    /** The ids of every recorded item, sorted (what an export pages through without loading every result). */
    public List<String> resultIds(String evaluationId) {
        List<String> ids = new ArrayList<>(redis.hkeys(ledger.key(evaluationId, "results")));
        ids.sort(null);
        return ids;
    }

    /** The recorded results of some items, in the order given; an item not recorded is left out. */
    public List<ItemResult> results(String evaluationId, List<String> itemIds) {
        if (itemIds.isEmpty()) {
            return List.of();
        }
        List<ItemResult> out = new ArrayList<>(itemIds.size());
        for (String v : redis.hmget(ledger.key(evaluationId, "results"), itemIds.toArray(String[]::new))) {
            try {
                if (v != null) {
                    out.add(JSON.readValue(v, ItemResult.class));
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt item result", e);
            }
        }
        return out;
    }

    /** The image features of an item result (from the content store), empty when its scorer gave none. */
    public float[] features(ItemResult r) {
        return features(List.of(r)).get(0);
    }

    /** Features of several item results, in order, read from the content store a chunk at a time. */
    public List<float[]> features(List<ItemResult> items) {
        List<float[]> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += FEATURE_CHUNK) {
            List<ItemResult> part = items.subList(from, Math.min(items.size(), from + FEATURE_CHUNK));
            Map<String, List<String>> keysByScorer = new LinkedHashMap<>();
            part.forEach(r -> keysByScorer.computeIfAbsent(r.utilityFingerprint(), k -> new ArrayList<>()).add(r.imageKey()));
            Map<String, String> stored = new HashMap<>();
            keysByScorer.forEach((fp, keys) -> {
                List<String> values = store.getScores(keys, fp);
                for (int i = 0; i < keys.size(); i++) {
                    if (values.get(i) != null) {
                        stored.put(keys.get(i) + "|" + fp, values.get(i));
                    }
                }
            });
            for (ItemResult r : part) {
                String json = stored.get(r.imageKey() + "|" + r.utilityFingerprint());
                if (json == null) {
                    throw new IllegalStateException("utility of image " + r.imageKey() + " is gone from the store");
                }
                try {
                    float[] f = JSON.readValue(json, Backends.Utility.class).features();
                    out.add(f == null ? new float[0] : f);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("corrupt utility record of image " + r.imageKey(), e);
                }
            }
        }
        return out;
    }

    /** The content store's features as a report reads them: many items per round trip. */
    public ReportAssembler.FeatureSource featureSource() {
        return new ReportAssembler.FeatureSource() {
            @Override
            public float[] features(ItemResult item) {
                return EvaluationRunner.this.features(item);
            }

            @Override
            public List<float[]> features(List<ItemResult> items) {
                return EvaluationRunner.this.features(items);
            }
        };
    }

    /** Item features read per round trip. */
    private static final int FEATURE_CHUNK = 1024;

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
