package dev.lucid.inference;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import inference.GrpcService.RepositoryIndexResponse.ModelIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads every model of the mini world's repository through the inference server and runs one
 * batch-2 inference of each, checking the tensor contracts of deploy/mini-world/README.md.
 */
@QuarkusTest
@TestProfile(MiniWorldProfile.class)
class MiniWorldModelsTest {
    static final int L = 16;
    static final int D = 128;
    static final int E = 64;
    static final int SLOTS = 5;
    static final int CLIP_CONTEXT = 77;
    static final long CLIP_START = 49406;
    static final long CLIP_END = 49407;
    static final List<String> MODELS = List.of("clip_image", "clip_text", "denoiser", "denoiser_esd", "reader",
            "safety_classifier", "text_encoder", "text_encoder_des", "text_encoder_sage");

    @Test
    void everyModelLoadsAndAnswersWithTheContractShapes() {
        boolean present = Files.isDirectory(MiniWorldProfile.repository());
        if (!present) {
            System.out.println("SKIPPED: " + MiniWorldProfile.repository() + " is absent (train the mini world first)");
        }
        Assumptions.assumeTrue(present, "mini-world model repository absent");
        try (KServeClient c = KServeClient.connect("localhost", 18011,
                ClientOptions.defaults().withDeadline(Duration.ofSeconds(60)))) {
            Map<String, ModelIndex> index = c.repositoryIndex().stream()
                    .collect(Collectors.toMap(ModelIndex::getName, m -> m));
            for (String name : MODELS) {
                assertTrue(index.containsKey(name), "model " + name + " missing from " + index.keySet());
                assertEquals("READY", index.get(name).getState(), name + ": " + index.get(name).getReason());
            }
            assertTrue(c.serverReady());
            for (String name : MODELS) {
                ModelMetadata md = c.modelMetadata(name);
                InferenceRequest.Builder req = InferenceRequest.builder(name);
                for (TensorSpec s : md.inputs()) {
                    req.input(exampleInput(s));
                }
                InferenceResult r = c.infer(req.build());
                for (TensorSpec s : md.outputs()) {
                    Tensor t = r.output(s.name());
                    assertTrue(t.shape().matches(s.shape()) && t.shape().dim(0) == 2,
                            name + "." + s.name() + " has shape " + t.shape() + ", metadata says " + s.shape());
                    if (t.dataType() == DataType.FP32) {
                        for (float v : t.floats()) {
                            assertTrue(Float.isFinite(v), name + "." + s.name() + " has a non-finite value");
                        }
                    }
                }
                checkContract(name, r);
            }
        }
    }

    private static void checkContract(String name, InferenceResult r) {
        switch (name) {
            case "text_encoder", "text_encoder_des", "text_encoder_sage" -> {
                assertEquals(TensorShape.of(2, L, D), r.output("last_hidden_state").shape());
                assertEquals(TensorShape.of(2, D), r.output("pooled").shape());
                assertArrayEquals(wordRows(), r.output("word_ids").longs(), name + ".word_ids");
            }
            case "denoiser", "denoiser_esd" -> assertEquals(TensorShape.of(2, 3, 32, 32), r.output("model_output").shape());
            case "safety_classifier" -> {
                assertEquals(TensorShape.of(2, 1), r.output("probability").shape());
                for (float p : r.output("probability").floats()) {
                    assertTrue(p >= 0f && p <= 1f, "probability " + p);
                }
            }
            case "clip_image" -> assertEquals(TensorShape.of(2, E), r.output("image_embeds").shape());
            case "clip_text" -> {
                assertEquals(TensorShape.of(2, E), r.output("text_embeds").shape());
                assertArrayEquals(wordRows(), r.output("word_ids").longs(), name + ".word_ids");
            }
            case "reader" -> {
                assertEquals(TensorShape.of(2, SLOTS, 6), r.output("shape_logits").shape());
                assertEquals(TensorShape.of(2, SLOTS, 5), r.output("color_logits").shape());
                assertEquals(TensorShape.of(2, SLOTS, 2), r.output("size_logits").shape());
            }
            default -> throw new AssertionError("unexpected model " + name);
        }
    }

    /** The CLIP rows "a red" and "two green" read back as the word-level rows [BOS] a red [EOS] and [BOS] two green [EOS]. */
    private static long[] wordRows() {
        long[] words = new long[2 * L];
        System.arraycopy(new long[]{2, 4, 9, 3}, 0, words, 0, 4);
        System.arraycopy(new long[]{2, 5, 10, 3}, 0, words, L, 4);
        return words;
    }

    /** A batch-2 input: CLIP BPE rows "a red" and "two green", timesteps in range, pixels or noise. */
    private static Tensor exampleInput(TensorSpec s) {
        long[] dims = s.shape().dims();
        dims[0] = 2;
        TensorShape shape = TensorShape.of(dims);
        int n = shape.elementCount();
        Random rnd = new Random(7);
        switch (s.name()) {
            case "input_ids" -> {
                assertEquals(CLIP_CONTEXT, dims[1], s.name() + " of a text model");
                long[] ids = new long[n];
                Arrays.fill(ids, CLIP_END);
                System.arraycopy(new long[]{CLIP_START, 320, 736, CLIP_END}, 0, ids, 0, 4);
                System.arraycopy(new long[]{CLIP_START, 1237, 1901, CLIP_END}, 0, ids, CLIP_CONTEXT, 4);
                return Tensor.ofLongs(s.name(), shape, ids);
            }
            case "timestep" -> {
                return Tensor.ofLongs(s.name(), shape, 999, 10);
            }
            default -> {
                float[] v = new float[n];
                boolean image = s.name().equals("image");
                for (int i = 0; i < n; i++) {
                    v[i] = image ? rnd.nextFloat() : (float) rnd.nextGaussian();
                }
                return Tensor.ofFloats(s.name(), shape, v);
            }
        }
    }
}
