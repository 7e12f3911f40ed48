package dev.lucid.generation;

import dev.lucid.diffusion.SafetyGuidance;
import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ServingSettings;
import dev.lucid.tokenizers.WordLevelTokenizer;
import io.grpc.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Components-mode generation against the real inference service (ONNX Runtime, in-process gRPC) with
 * the toy text encoder and denoiser of deploy/test-models.
 */
class ComponentsGeneratorTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final T2iModel TOY = new T2iModel("toy", T2iModel.Shape.COMPONENTS, "toy_text_encoder", "toy_denoiser", null,
            "toy components model");
    static InProcessInference inference;
    static KServeClient client;
    static WordLevelTokenizer tokenizer;

    @BeforeAll
    static void start() throws Exception {
        inference = InProcessInference.serve(ROOT.resolve("deploy/test-models/repository"));
        client = inference.client();
        tokenizer = WordLevelTokenizer.load(ROOT.resolve("deploy/mini-world/tokenizer.json"));
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    static ComponentsGenerator generator() {
        return new ComponentsGenerator(client, TOY, tokenizer);
    }

    @Test
    void imagesAreDeterministicAndIndependentOfBatching() throws Exception {
        GenerationSettings s = GenerationSettings.of(10, 4.0);
        List<GenerationItem> items = List.of(new GenerationItem("p1", "a red circle on the left", 1),
                new GenerationItem("p1", "a red circle on the left", 2), new GenerationItem("p2", "two white skulls", 1));
        List<GeneratedImage> together = generator().generate(items, s);
        assertEquals(3, together.size());
        for (int i = 0; i < 3; i++) {
            GeneratedImage alone = generator().generate(List.of(items.get(i)), s).get(0);
            assertEquals(together.get(i).sha256(), alone.sha256(), "item " + i + " depends on its batch");
            assertEquals(together.get(i).key(), alone.key());
        }
        assertNotEquals(together.get(0).sha256(), together.get(1).sha256(), "seeds give different noise");
        assertNotEquals(together.get(0).key(), together.get(2).key());
        RgbImage img = PngCodec.decode(together.get(0).png());
        assertEquals(8, img.width());
        assertEquals(PngCodec.sha256(together.get(0).png()), together.get(0).sha256());
    }

    @Test
    void aDenoiserWithoutAGuidanceDefaultGetsLucidsDefault() {
        assertEquals(GenerationParamsMapping.DEFAULT_GUIDANCE, generator().defaultGuidanceScale());
    }

    @Test
    void keysFollowTheInputsThatDecideTheImage() throws Exception {
        ComponentsGenerator g = generator();
        String fp = g.fingerprint();
        assertEquals(fp, generator().fingerprint(), "fingerprint is stable across instances");
        GenerationSettings plain = GenerationSettings.of(10, 4.0);
        assertEquals(ImageKey.of(fp, "x", 1, plain), ImageKey.of(fp, "x", 1, GenerationSettings.of(10, 4.0)));
        assertNotEquals(ImageKey.of(fp, "x", 1, plain), ImageKey.of(fp, "x", 1, GenerationSettings.of(11, 4.0)));
        assertNotEquals(ImageKey.of(fp, "x", 1, plain), ImageKey.of(fp, "x", 1,
                new GenerationSettings(10, 4.0, "blurry", "", null)));
        assertNotEquals(ImageKey.of(fp, "ab", 1, plain), ImageKey.of(fp + "a", "b", 1, plain), "parts are length-prefixed");
    }

    @Test
    void negativePromptAndSafetyGuidanceChangeTheImage() throws Exception {
        GenerationItem item = new GenerationItem("p", "a white skull", 7);
        String plain = generator().generate(List.of(item), GenerationSettings.of(10, 4.0)).get(0).sha256();
        String negative = generator().generate(List.of(item),
                new GenerationSettings(10, 4.0, "three three three skull", "", null)).get(0).sha256();
        String sld = generator().generate(List.of(item),
                new GenerationSettings(10, 4.0, "", "three skulls", SafetyGuidance.preset("max"))).get(0).sha256();
        assertNotEquals(plain, negative);
        assertNotEquals(plain, sld);
    }

    @Test
    void torchNoiseIsPartOfTheFingerprintAndChangesTheImage() throws Exception {
        T2iModel torchToy = new T2iModel("toy", T2iModel.Shape.COMPONENTS, "toy_text_encoder", "toy_denoiser", null,
                "toy components model", T2iModel.Noise.TORCH);
        ComponentsGenerator torch = new ComponentsGenerator(client, torchToy, tokenizer);
        assertNotEquals(generator().fingerprint(), torch.fingerprint());
        GenerationItem item = new GenerationItem("p", "a red circle on the left", 42);
        GenerationSettings s = GenerationSettings.of(10, 4.0);
        GeneratedImage a = torch.generate(List.of(item), s).get(0);
        assertEquals(a.sha256(), new ComponentsGenerator(client, torchToy, tokenizer).generate(List.of(item), s).get(0).sha256());
        GeneratedImage java = generator().generate(List.of(item), s).get(0);
        assertNotEquals(java.sha256(), a.sha256());
        assertNotEquals(java.key(), a.key());
    }

    @Test
    void defaultNoiseAndLucidsCosineScheduleKeepTheFingerprintsMadeBefore() throws Exception {
        // The fingerprint as it was defined before scheduler configs and noise choices (over configs without their
        // serving settings): a cosine denoiser with java.util.Random noise must keep it, so image keys stay valid.
        String before = ImageKey.sha256("lucid.model.v1", "toy", "toy_text_encoder",
                deterministicSha256(ServingSettings.strip(client.modelConfig("toy_text_encoder"))), "toy_denoiser",
                deterministicSha256(ServingSettings.strip(client.modelConfig("toy_denoiser"))), tokenizer.fingerprint());
        assertEquals(before, generator().fingerprint());
    }

    static String deterministicSha256(inference.ModelConfigOuterClass.ModelConfig c) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream cos = com.google.protobuf.CodedOutputStream.newInstance(out);
        cos.useDeterministicSerialization();
        c.writeTo(cos);
        cos.flush();
        return PngCodec.sha256(out.toByteArray());
    }

    @Test
    void promptEmbeddings() throws Exception {
        List<float[]> pooled = generator().encodePrompts(List.of("a", "two"), false);
        assertEquals(8, pooled.get(0).length);
        // token ids: [BOS]=2 a=4 [EOS]=3 then 13 x [PAD]=0 -> mean id 9/16; dimension d scales by (d+1)/8
        assertEquals(9 / 16.0 * (1 / 8.0), pooled.get(0)[0], 1e-6);
        assertEquals(16 * 8, generator().encodePrompts(List.of("a"), true).get(0).length);
    }

    @Test
    void pipelineModelsGetOnlyTheInputsTheyDeclare() throws Exception {
        PipelineGenerator p = new PipelineGenerator(client, new T2iModel("toy-pipe", T2iModel.Shape.PIPELINE, null, null,
                "toy_pipeline", ""));
        List<GeneratedImage> imgs = p.generate(List.of(new GenerationItem("a", "a cat", 5),
                new GenerationItem("b", "a dog", 300)), GenerationSettings.of(30, 7.5));
        byte[] rgb = PngCodec.decode(imgs.get(0).png()).rgb();
        assertEquals(5, rgb[0]);
        assertEquals(300 % 256, PngCodec.decode(imgs.get(1).png()).rgb()[47] & 0xff);
        assertEquals(4, imgs.get(1).width());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> p.generate(
                List.of(new GenerationItem("a", "x", 1)), new GenerationSettings(30, 7.5, "ugly", "", null)));
        assertEquals("pipeline model 'toy-pipe' takes no negative_prompt", neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.generate(List.of(new GenerationItem("a", "x", 1)),
                new GenerationSettings(30, 7.5, "", "nudity", SafetyGuidance.preset("weak"))));
    }

    @Test
    void aPipelineWithItsTextEncoderEmbedsPromptsAsTheComponentsModelDoes() throws Exception {
        T2iModel pipe = new T2iModel("toy-pipe-enc", T2iModel.Shape.PIPELINE, "toy_text_encoder", null, "toy_pipeline", "");
        PipelineGenerator withEncoder = new PipelineGenerator(client, pipe, new TextEncoder(client, "toy_text_encoder", tokenizer));
        PipelineGenerator without = new PipelineGenerator(client, new T2iModel("toy-pipe-enc", T2iModel.Shape.PIPELINE, null,
                null, "toy_pipeline", ""));
        // 37 prompts: more than two of the encoder's batches of 16.
        List<String> prompts = java.util.stream.IntStream.range(0, 37).mapToObj(i -> (i % 2 == 0 ? "a red circle " : "two white skulls ")
                + (i % 3 == 0 ? "on the left" : "in the center")).toList();
        for (boolean sequence : new boolean[]{false, true}) {
            List<float[]> a = withEncoder.encodePrompts(prompts, sequence);
            List<float[]> b = generator().encodePrompts(prompts, sequence);
            assertEquals(37, a.size());
            assertEquals(sequence ? 16 * 8 : 8, a.get(0).length);
            for (int i = 0; i < a.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(b.get(i), a.get(i), 1e-6f, "prompt " + i + " sequence=" + sequence);
            }
        }
        assertNotEquals(without.fingerprint(), withEncoder.fingerprint(), "the encoder enters the fingerprint");
        UnsupportedOperationException none = assertThrows(UnsupportedOperationException.class,
                () -> without.encodePrompts(List.of("a cat"), false));
        assertEquals("pipeline model 'toy-pipe-enc' exposes no text encoder; give its catalog entry a text_encoder and a tokenizer"
                + " to compute embeddings", none.getMessage());
    }

    @Test
    void invalidRequestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GenerationItem("p", "x", -1));
        assertThrows(IllegalArgumentException.class, () -> new GenerationItem("p", "x".repeat(2001), 1));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.of(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GenerationSettings(5, 1, "", "skull", null));
        assertThrows(IllegalArgumentException.class, () -> new T2iModel("bad name!", T2iModel.Shape.COMPONENTS, "a", "b", null, ""));
        assertThrows(IllegalArgumentException.class, () -> new T2iModel("m", T2iModel.Shape.COMPONENTS, "a", null, null, ""));
    }
}
