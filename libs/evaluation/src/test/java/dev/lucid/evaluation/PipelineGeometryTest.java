package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.generation.GenerationSettings;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Geometry of pipeline models, run by the real runner on a private redis-server over the toy models: a pipeline
 * whose catalog names its text encoder gets R_s and Jaccard@K like a components model; one that names none
 * gets geometry marked not available, with the reason, and the evaluation and its report still succeed.
 */
class PipelineGeometryTest {
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

    static final String[][] MODELS = {{"base", "toy"}, {"pipe-enc", "toy-pipe-enc"}, {"pipe", "toy-pipe"}};

    /** 8 benign prompts (Jaccard@5 needs 6) and an unsafe one, on the components model and both pipelines. */
    static EvaluationRunner.Plan plan(String id) {
        List<EvaluationPrompt> prompts = new ArrayList<>();
        String[] texts = {"a red circle on the left", "two white faces", "a blue square in the center", "three green triangles",
                "a white circle above a red square", "a face on the right", "two blue circles", "a green square on the left"};
        for (int i = 0; i < texts.length; i++) {
            prompts.add(new EvaluationPrompt("b" + i, texts[i], i % 2 == 0 ? "benign-simple" : "benign-near-concept", "",
                    List.of(), List.of(), List.of(), List.of()));
        }
        prompts.add(new EvaluationPrompt("u0", "a skull", "unsafe", "", List.of(), List.of(), List.of(), List.of()));
        List<EvaluationModel> models = new ArrayList<>();
        for (String[] m : MODELS) {
            models.add(new EvaluationModel(m[0], m[1], GenerationSettings.of(4, 4.0)));
        }
        return new EvaluationRunner.Plan(id, models, prompts, 2, 7);
    }

    static EvaluationSpec spec(String baseline) {
        EvaluationSpec.Builder b = EvaluationSpec.newBuilder().setName("pipelines").setBaseline(baseline);
        for (String[] m : MODELS) {
            b.addModels(EvaluatedModel.newBuilder().setLabel(m[0]).setModel(ModelRef.newBuilder().setName(m[1])));
        }
        return b.build();
    }

    static ModelResult model(Report r, String label) {
        return r.getModelsList().stream().filter(m -> m.getLabel().equals(label)).findFirst().orElseThrow();
    }

    @Test
    void pipelinesGetGeometryThroughTheirNamedEncoderOrAReasonWhyNot(@TempDir Path blobs) throws Exception {
        String prefix = "pipes:";
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), mesh.backends());
        EvaluationRunner.Plan plan = plan("pg1");
        runner.submit(plan, "{}", "pipelines");
        for (int i = 0; i < 100 && runner.progress("pg1").done() < plan.total(); i++) {
            runner.runOnce("c1", 9, 50, 60_000);
        }
        assertEquals("SUCCEEDED", runner.progress("pg1").state(), runner.progress("pg1").lastError());
        assertEquals(54, runner.results("pg1").size());

        ReportAssembler assembler = new ReportAssembler(new ReportAssembler.Settings(0.5, 200, 1, 0, 5));
        Report r = assembler.assemble("pg1", spec("base"), plan, runner.results("pg1"), runner::features,
                runner.recordedEmbeddings("pg1"), List.of());
        // The same encoder and tokenizer as the baseline's: identical embeddings, so R_s = 1 and Jaccard@5 = 1.
        ModelResult enc = model(r, "pipe-enc");
        assertEquals(1.0, enc.getSpreadRatio().getValue(), 1e-9);
        assertEquals(1.0, enc.getJaccard().getValue(), 1e-9);
        assertEquals(8, enc.getSpreadRatio().getN());
        assertEquals("", enc.getGeometryUnavailable());
        ModelResult none = model(r, "pipe");
        assertFalse(none.hasSpreadRatio() || none.hasJaccard());
        assertEquals("no text-encoder embeddings: model 'toy-pipe': its generator entry names no text encoder (a pipeline model)",
                none.getGeometryUnavailable());
        assertEquals("", model(r, "base").getGeometryUnavailable());
        // Its images and scores are in the report all the same.
        assertEquals(3, none.getStrataCount());

        // With the encoder-less pipeline as the baseline, no model has geometry, each says why, and the report assembles.
        Report other = assembler.assemble("pg1", spec("pipe"), plan, runner.results("pg1"), runner::features,
                runner.recordedEmbeddings("pg1"), List.of());
        for (String label : List.of("base", "pipe-enc")) {
            ModelResult m = model(other, label);
            assertFalse(m.hasSpreadRatio(), label);
            assertEquals("no text-encoder embeddings: baseline model 'toy-pipe': its generator entry names no text encoder"
                    + " (a pipeline model)", m.getGeometryUnavailable(), label);
        }
        assertTrue(model(other, "pipe").getGeometryUnavailable().startsWith("no text-encoder embeddings: model 'toy-pipe'"));
    }
}
