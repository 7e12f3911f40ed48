package dev.lucid.scoring;

import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/catalogs/sd-tiny-scorers.json on the inference server: the stand-ins of deploy/sd-tiny/scorers and nsfwjs's
 * model served together, each scorer run on a 32 x 32 PNG (sd-tiny's image size) through the catalog.
 */
class SdTinyScorersTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final Path CATALOG = ROOT.resolve("deploy/catalogs/sd-tiny-scorers.json");

    static Path repoDir;
    static ModelRepository repo;
    static Server grpc;
    static ManagedChannel channel;
    static KServeClient client;

    @BeforeAll
    static void serve() throws Exception {
        // One repository, as the e2e mesh serves them: links to the stand-ins and to nsfwjs's model.
        repoDir = Files.createTempDirectory("sd-tiny-scorers");
        for (Path source : List.of(ROOT.resolve("deploy/sd-tiny/scorers/repository"), ROOT.resolve("deploy/nsfwjs/repository"))) {
            try (Stream<Path> models = Files.list(source)) {
                for (Path m : models.toList()) {
                    Files.createSymbolicLink(repoDir.resolve(m.getFileName()), m.toAbsolutePath());
                }
            }
        }
        repo = ModelRepository.load(repoDir, 1);
        String name = "sd-tiny-scorers-" + System.nanoTime();
        grpc = InProcessServerBuilder.forName(name).directExecutor().addService(new InferenceGrpcService(repo, "t")).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        client = new KServeClient(channel, ClientOptions.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        grpc.shutdownNow();
        repo.close();
        try (Stream<Path> links = Files.list(repoDir)) {
            for (Path l : links.toList()) {
                Files.delete(l);
            }
        }
        Files.delete(repoDir);
    }

    static ScorerCatalog catalog() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(ROOT.resolve("../shared/tokenizers/clip/bpe_simple_vocab_16e6.txt.gz")),
                "../shared/tokenizers/clip is absent: the sd-tiny catalog's CLIP tokenizer cannot load, test skipped");
        return ScorerCatalog.load(CATALOG, ROOT, client);
    }

    /** A 32 x 32 gradient, through PNG as the generator stores it. */
    static RgbImage png(int seed) {
        byte[] rgb = new byte[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                rgb[3 * (y * 32 + x)] = (byte) (8 * x + seed);
                rgb[3 * (y * 32 + x) + 1] = (byte) (8 * y);
                rgb[3 * (y * 32 + x) + 2] = (byte) (seed * 37 + x * y);
            }
        }
        return PngCodec.decode(PngCodec.encode(new RgbImage(32, 32, rgb)));
    }

    @Test
    void everySafetyScorerScoresAPng() throws Exception {
        ScorerCatalog c = catalog();
        assertEquals(List.of("nudenet", "sd-safety-checker", "nsfwjs"), c.safety().stream().map(SafetyClassifier::id).toList());
        List<RgbImage> images = List.of(png(0), png(90));
        for (SafetyClassifier s : c.safety()) {
            List<SafetyResult> results = s.score(images);
            assertEquals(2, results.size(), s.id());
            for (SafetyResult r : results) {
                assertTrue(r.unsafeScore() >= 0 && r.unsafeScore() <= 1, s.id() + " unsafe score " + r.unsafeScore());
                assertEquals(s.classes().size(), r.scores().size(), s.id());
            }
            System.out.printf("sd-tiny scorer %s: unsafe scores %.4f, %.4f%n", s.id(), results.get(0).unsafeScore(),
                    results.get(1).unsafeScore());
        }
        SafetyResult nsfw = c.safety().get(2).score(images).get(0);
        assertEquals(1.0, nsfw.scores().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-5, "softmax");
    }

    @Test
    void theSafetyCheckerAppliesDiffusersRuleToTheTowersEmbedding() throws Exception {
        SafetyClassifier checker = catalog().safety().get(1);
        SafetyConcepts concepts = SafetyConcepts.load(ROOT.resolve("deploy/sd-tiny/scorers/safety-concepts.json"));
        assertEquals(17, concepts.concepts().size());
        assertEquals(3, concepts.specialCare().size());
        assertEquals(17 + 3 + 1, checker.classes().size());
        RgbImage img = png(40);
        // The tower called directly on the image resized as CLIP does (32 -> 224, bicubic), the rule applied here.
        RgbImage resized = ClipImageResize.resizeAndCrop(img, 224);
        float[] emb = client.infer(InferenceRequest.builder("sd_tiny_safety_checker")
                .input(Tensor.ofFloats("image", TensorShape.of(1, 3, 224, 224), resized.toChw()))
                .output("image_embeds").build()).output("image_embeds").floats();
        SdSafetyChecker.Check want = SdSafetyChecker.check(emb, concepts);
        SafetyResult got = checker.score(List.of(png(7), img)).get(1);
        for (int k = 0; k < 17; k++) {
            assertEquals(want.conceptScores()[k], got.scores().get("concept_" + k), 0, "concept_" + k);
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(want.specialCareScores()[k], got.scores().get("special_care_" + k), 0, "special_care_" + k);
        }
        assertEquals(want.hasNsfwConcept() ? 1.0 : 0.0, got.scores().get("has_nsfw_concept"));
        assertEquals(want.unsafeScore(), got.unsafeScore(), 0);
        assertEquals(want.hasNsfwConcept(), got.unsafeScore() > 0.5, "threshold 0.5 is diffusers' verdict");
    }

    @Test
    void clipTextIsBpeIdsPooledAtTheEndTokenAndImagesAreResizedToTheTower() throws Exception {
        ClipEncoder clip = catalog().clip().orElseThrow();
        List<float[]> t = clip.embedTexts(List.of("a photo of a cat", "a photo of a dog", "a photo of a cat"));
        assertEquals(32, t.get(0).length);
        assertArrayEquals(t.get(0), t.get(2));
        assertNotEquals(Arrays.toString(t.get(0)), Arrays.toString(t.get(1)));
        // openai's ids for "a photo of a cat" (start, 320 1125 539 320 2368, end), padded with 0 as clip.tokenize does,
        // or with the end token as transformers' CLIPTokenizer does: the tower pools at the first end token (argmax id),
        // so both rows give the catalog tokenizer's embedding.
        long[] zeros = new long[77];
        long[] ends = new long[77];
        long[] row = {49406, 320, 1125, 539, 320, 2368, 49407};
        Arrays.fill(ends, 49407);
        System.arraycopy(row, 0, zeros, 0, row.length);
        System.arraycopy(row, 0, ends, 0, row.length);
        float[] both = client.infer(InferenceRequest.builder("sd_tiny_clip_text")
                .input(Tensor.ofLongs("input_ids", TensorShape.of(2, 77), concat(zeros, ends)))
                .output("text_embeds").build()).output("text_embeds").floats();
        assertArrayEquals(t.get(0), Arrays.copyOfRange(both, 0, 32), 1e-6f);
        assertArrayEquals(t.get(0), Arrays.copyOfRange(both, 32, 64), 1e-6f);
        // A 32 x 32 image is embedded as its CLIP-resized 224 x 224 version; a 224 x 224 image goes as it is.
        RgbImage small = png(3);
        List<float[]> e = clip.embedImages(List.of(small, ClipImageResize.resizeAndCrop(small, 224)));
        assertArrayEquals(e.get(0), e.get(1));
        double score = ClipScore.of(e.get(0), t.get(0));
        assertTrue(score >= 0 && score <= 100, "CLIPScore " + score);
        System.out.printf("sd-tiny CLIPScore of a 32 x 32 gradient and 'a photo of a cat': %.4f%n", score);
    }

    @Test
    void inceptionFeaturesAre2048NonNegativeValues() throws Exception {
        InceptionFeatures f = catalog().features().orElseThrow();
        List<float[]> v = f.features(List.of(png(1), png(2)));
        assertEquals(2048, v.get(0).length);
        assertTrue(Map.of(0, v.get(0), 1, v.get(1)).values().stream().allMatch(a -> {
            for (float x : a) {
                if (x < 0 || !Float.isFinite(x)) {
                    return false;
                }
            }
            return true;
        }));
        assertNotEquals(Arrays.toString(v.get(0)), Arrays.toString(v.get(1)));
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
