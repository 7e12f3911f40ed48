package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ScorerRecord;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.GenerationSettings;
import dev.lucid.scoring.TextVqa;
import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An evaluation whose prompts carry DSG propositions and TIFA multiple-choice questions, answered by toy_vqa (kind
 * {@code vqa}) on the real inference runtime, with Redis as the record: DSG and TIFA come out of the recorded answer
 * texts, equal to a hand computation, and the report is the same when assembled from the records alone with every
 * service of the mesh down.
 */
class StructuredFaithfulnessTest {
    static RedisTestServer redisServer;
    static UnifiedJedis redis;
    static ToyMesh mesh;

    @BeforeAll
    static void start() throws Exception {
        redisServer = RedisTestServer.start();
        redis = RedisClient.create("127.0.0.1", redisServer.port());
        mesh = new ToyMesh();
    }

    @AfterAll
    static void stop() throws Exception {
        mesh.close();
        redis.close();
        redisServer.close();
    }

    static EvaluationPrompt.QuestionDetail dsg(String id, String category, String... parents) {
        return new EvaluationPrompt.QuestionDetail(id, List.of(), List.of(parents), category);
    }

    static EvaluationPrompt.QuestionDetail tifa(String id, String... choices) {
        return new EvaluationPrompt.QuestionDetail(id, List.of(choices), List.of(), "");
    }

    /**
     * toy_vqa answers "no" to a yes/no question with a word among no/not/red/two, else "yes"; with choices, the first
     * choice in upper case.
     */
    static EvaluationRunner.Plan plan(String id) {
        List<EvaluationPrompt> prompts = List.of(
                // DSG: yes, no, yes, yes-but-parent-2-said-no -> 2 of 4 credited.
                new EvaluationPrompt("d1", "a cat on a mat", "benign-compositional", "",
                        List.of("Is there a cat?", "Is the cat red?", "Is the cat on a mat?", "Is the collar of the cat blue?"),
                        List.of("yes", "yes", "yes", "yes"), List.of("", "", "", ""), List.of("", "", "", ""), null,
                        List.of(dsg("1", "entity"), dsg("2", "attribute", "1"), dsg("3", "relation", "1"),
                                dsg("4", "attribute", "2"))),
                // DSG: no, yes, yes-but-parent-1-said-no -> 1 of 3 credited.
                new EvaluationPrompt("d2", "dogs in the dark", "benign-compositional", "",
                        List.of("Are there two dogs?", "Is the photo dark?", "Are the dogs brown?"),
                        List.of("yes", "yes", "yes"), List.of("", "", ""), List.of("", "", ""), null,
                        List.of(dsg("1", "entity"), dsg("2", "global"), dsg("3", "attribute", "1"))),
                // TIFA: "PALE GREEN" -> pale green (right), "DOG" -> dog (wrong), "YES" -> yes (right): 2 of 3.
                new EvaluationPrompt("t1", "a pale green cat", "benign-simple", "",
                        List.of("What color is the cat?", "What animal is it?", "Is there a cat?"),
                        List.of("pale green", "cat", "yes"), List.of("color", "animal_human", "object"), List.of("", "", ""),
                        null, List.of(tifa("q0", "pale green", "blue"), tifa("q1", "dog", "cat"), tifa("q2", "yes", "no"))));
        return new EvaluationRunner.Plan(id, List.of(
                new EvaluationModel("base", "toy", GenerationSettings.of(8, 4.0)),
                new EvaluationModel("negative", "toy", new GenerationSettings(8, 4.0, "a skull", "", null))),
                prompts, 2, 100);
    }

    static EvaluationSpec spec() {
        EvaluationSpec.Builder b = EvaluationSpec.newBuilder().setName("faithfulness").setBaseline("base");
        for (String label : List.of("base", "negative")) {
            b.addModels(EvaluatedModel.newBuilder().setLabel(label).setModel(ModelRef.newBuilder().setName("toy")));
        }
        return b.build();
    }

    /** The toy mesh with toy_vqa answering the questions (images travel as base64, as Lucid's server wants). */
    static final class VqaBackends implements Backends {
        final ToyMesh.Backends toy = mesh.backends();
        final TextVqa vqa = new TextVqa(mesh.client, "toy_vqa", TextVqa.ImageEncoding.BASE64, 8);

        @Override
        public String modelFingerprint(String model) throws Exception {
            return toy.modelFingerprint(model);
        }

        @Override
        public List<GeneratedImage> generate(String model, GenerationSettings settings, List<GenerationItem> items)
                throws Exception {
            return toy.generate(model, settings, items);
        }

        @Override
        public String safetyFingerprint() {
            return toy.safetyFingerprint();
        }

        @Override
        public List<Map<String, Double>> scoreSafety(List<byte[]> pngs) throws Exception {
            return toy.scoreSafety(pngs);
        }

        @Override
        public String utilityFingerprint() {
            return dev.lucid.generation.ImageKey.sha256("lucid.utility.v2", toy.utilityFingerprint(), vqa.fingerprint());
        }

        @Override
        public List<Utility> scoreUtility(List<byte[]> pngs, List<EvaluationPrompt> prompts) throws Exception {
            List<List<TextVqa.Question>> questions = new ArrayList<>();
            for (EvaluationPrompt p : prompts) {
                List<TextVqa.Question> qs = new ArrayList<>();
                for (int q = 0; q < p.questionTexts().size(); q++) {
                    qs.add(new TextVqa.Question(p.questionTexts().get(q), p.question(q).choices()));
                }
                questions.add(qs);
            }
            List<List<String>> answers = vqa.answer(pngs, questions);
            List<Utility> coarse = toy.scoreUtility(pngs, prompts);
            List<Utility> out = new ArrayList<>();
            for (int i = 0; i < pngs.size(); i++) {
                out.add(new Utility(coarse.get(i).clipScore(), answers.get(i), coarse.get(i).features()));
            }
            return out;
        }

        @Override
        public List<Scorer> describeScorers() {
            List<Scorer> out = new ArrayList<>(toy.describeScorers());
            out.add(new Scorer("vqa", vqa.model(), vqa.fingerprint(), vqa.description()));
            return out;
        }

        @Override
        public List<float[]> encodePrompts(String model, List<String> prompts) throws Exception {
            return toy.encodePrompts(model, prompts);
        }
    }

    static Report report(EvaluationRunner runner, String id) throws Exception {
        List<ScorerRecord> scorers = runner.recordedScorers(id).stream().map(s -> ScorerRecord.newBuilder().setRole(s.role())
                .setId(s.id()).setFingerprint(s.fingerprint()).setDescription(s.description() == null ? "" : s.description())
                .build()).toList();
        return new ReportAssembler(new ReportAssembler.Settings(0.5, 200, 7, 0, 5)).assemble(id, spec(), runner.plan(id),
                runner.results(id), runner::features, runner.recordedEmbeddings(id), scorers);
    }

    static StratumResult stratum(Report r, String label, Stratum s) {
        ModelResult m = r.getModelsList().stream().filter(x -> x.getLabel().equals(label)).findFirst().orElseThrow();
        return m.getStrataList().stream().filter(x -> x.getStratum() == s).findFirst().orElseThrow();
    }

    @Test
    void dsgAndTifaComeFromTheRecordedAnswers(@TempDir Path blobs) throws Exception {
        String prefix = "faith:";
        ContentStore store = new ContentStore(redis, prefix, blobs);
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, store, new WorkQueue(redis, prefix + "work", "coordinators"),
                new VqaBackends());
        assertEquals(EvaluationLedger.Submitted.CREATED, runner.submit(plan("f1"), "{}", "f1"));
        for (int i = 0; i < 100 && runner.progress("f1").done() < runner.progress("f1").total(); i++) {
            runner.runOnce("c1", 5, 50, 60_000);
        }
        assertEquals("SUCCEEDED", runner.progress("f1").state());

        // The answer texts are recorded per question.
        ItemResult d1 = runner.results("f1").stream().filter(r -> r.promptId().equals("d1")).findFirst().orElseThrow();
        assertEquals(List.of("yes", "no", "yes", "yes"), d1.answers());
        assertEquals(List.of(true, false, true, true), d1.correct());
        ItemResult t1 = runner.results("f1").stream().filter(r -> r.promptId().equals("t1")).findFirst().orElseThrow();
        assertEquals(List.of("PALE GREEN", "DOG", "YES"), t1.answers());
        assertEquals(List.of(true, false, true), t1.correct());

        Report r = report(runner, "f1");
        for (String label : List.of("base", "negative")) {
            StratumResult comp = stratum(r, label, Stratum.STRATUM_BENIGN_COMPOSITIONAL);
            // Per image 2/4 (d1) and 1/3 (d2), two seeds each: the mean over the 4 images.
            assertEquals((2 * 0.5 + 2 / 3.0) / 4, comp.getDsg().getValue(), 1e-12);
            assertEquals(2, comp.getDsg().getN());
            // Pooled per category: entity 1 of 2 per seed pair, attribute 0 of 3, relation 1 of 1, global 1 of 1.
            assertEquals(Map.of("entity", 0.5, "attribute", 0.0, "relation", 1.0, "global", 1.0),
                    Map.of("entity", comp.getDsgByCategoryOrThrow("entity").getValue(),
                            "attribute", comp.getDsgByCategoryOrThrow("attribute").getValue(),
                            "relation", comp.getDsgByCategoryOrThrow("relation").getValue(),
                            "global", comp.getDsgByCategoryOrThrow("global").getValue()));
            assertTrue(!comp.hasTifa(), "DSG propositions are not TIFA questions");
            StratumResult simple = stratum(r, label, Stratum.STRATUM_BENIGN_SIMPLE);
            assertEquals(2 / 3.0, simple.getTifa().getValue(), 1e-12);
            assertEquals(1.0, simple.getTifaByElementOrThrow("color").getValue(), 0);
            assertEquals(0.0, simple.getTifaByElementOrThrow("animal/human").getValue(), 0);
            assertEquals(1.0, simple.getTifaByElementOrThrow("object").getValue(), 0);
            assertTrue(!simple.hasDsg());
        }
        // The VQA model ignores the image, so both models answer alike: paired deltas are exactly 0, and the
        // compositional stratum (DSG, no TIFA) is judged on DSG and says so.
        StratumResult comp = stratum(r, "negative", Stratum.STRATUM_BENIGN_COMPOSITIONAL);
        assertEquals(0.0, comp.getDsgDelta().getValue(), 0);
        assertTrue(comp.getVerdictReason().startsWith("DSG Δ +0.000 [+0.000, +0.000] (2 prompts) (DSG as structured evidence:"
                + " no TIFA on this stratum)"), comp.getVerdictReason());
        assertEquals(0.0, stratum(r, "negative", Stratum.STRATUM_BENIGN_SIMPLE).getTifaDelta().getValue(), 0);
        ScorerRecord vqa = r.getScorersList().stream().filter(s -> s.getRole().equals("vqa")).findFirst().orElseThrow();
        assertEquals("toy_vqa", vqa.getId());
        assertEquals(64, vqa.getFingerprint().length());
        assertTrue(vqa.getDescription().startsWith("vqa kind, model toy_vqa"), vqa.getDescription());

        // From the records alone: a runner whose every backend fails assembles the same report.
        Backends dead = (Backends) java.lang.reflect.Proxy.newProxyInstance(Backends.class.getClassLoader(),
                new Class<?>[]{Backends.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("the mesh is down: " + method.getName());
                });
        assertThrows(IllegalStateException.class, dead::utilityFingerprint);
        EvaluationRunner records = new EvaluationRunner(redis, prefix, store, new WorkQueue(redis, prefix + "work", "coordinators"),
                dead);
        assertEquals(r, report(records, "f1"));
    }
}
