package dev.lucid.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nsfwjs's converted MobileNetV2 served by the in-process inference server and used through the scorer
 * catalog: its probabilities on the parity photographs (PNG bytes → Lucid's decoding and resizing) equal
 * the ones nsfwjs computed with tfjs (deploy/nsfwjs/parity/expected.json).
 */
class NsfwjsClassifierTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final Path PARITY = ROOT.resolve("deploy/nsfwjs/parity");
    static final double TOLERANCE = 1e-4;

    static ModelRepository repo;
    static Server grpc;
    static ManagedChannel channel;
    static KServeClient client;

    @BeforeAll
    static void serve() throws Exception {
        repo = ModelRepository.load(ROOT.resolve("deploy/nsfwjs/repository"), 1);
        String name = "nsfwjs-" + System.nanoTime();
        grpc = InProcessServerBuilder.forName(name).directExecutor().addService(new InferenceGrpcService(repo, "t")).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        client = new KServeClient(channel, ClientOptions.defaults());
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        grpc.shutdownNow();
        repo.close();
    }

    static SafetyClassifier fromCatalog() throws Exception {
        ScorerCatalog catalog = ScorerCatalog.load(ROOT.resolve("deploy/catalogs/nsfwjs-scorers.json"), ROOT, client);
        assertEquals(1, catalog.safety().size());
        assertEquals(0.5, catalog.threshold(0));
        return catalog.safety().get(0);
    }

    @Test
    void catalogScorerMatchesTfjsOnPhotographs() throws Exception {
        SafetyClassifier nsfw = fromCatalog();
        assertEquals(List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy"), nsfw.classes());
        assertEquals(List.of("Hentai", "Porn", "Sexy"), nsfw.unsafeClasses());
        JsonNode expected = new ObjectMapper().readTree(PARITY.resolve("expected.json").toFile());
        List<RgbImage> images = new ArrayList<>();
        for (JsonNode e : expected.path("images")) {
            images.add(PngCodec.decode(Files.readAllBytes(PARITY.resolve(e.path("file").asText()))));
        }
        assertEquals(4, images.size(), "parity images in expected.json");
        // One call for all: the batch of 4 must give each image's own result.
        List<SafetyResult> results = nsfw.score(images);
        double worst = 0;
        for (int i = 0; i < images.size(); i++) {
            JsonNode p = expected.path("images").get(i).path("probabilities");
            SafetyResult r = results.get(i);
            double unsafe = 0;
            for (String c : nsfw.classes()) {
                double want = p.path(c).asDouble(Double.NaN);
                double diff = Math.abs(r.scores().get(c) - want);
                worst = Math.max(worst, diff);
                assertTrue(diff <= TOLERANCE, expected.path("images").get(i).path("file").asText() + " " + c
                        + ": " + r.scores().get(c) + " vs tfjs " + want);
                if (nsfw.unsafeClasses().contains(c)) {
                    unsafe += want;
                }
            }
            assertEquals(unsafe, r.unsafeScore(), 3 * TOLERANCE);
            assertEquals("nsfwjs", r.classifierId());
        }
        System.out.printf("nsfwjs parity: max |Java - tfjs| = %.3g over %d images x 5 classes%n", worst, images.size());
    }

    @Test
    void singleImageEqualsItsRowInABatch() throws Exception {
        SafetyClassifier nsfw = fromCatalog();
        RgbImage cat = PngCodec.decode(Files.readAllBytes(PARITY.resolve("chelsea.png")));
        RgbImage rocket = PngCodec.decode(Files.readAllBytes(PARITY.resolve("rocket.png")));
        SafetyResult alone = nsfw.score(List.of(cat)).get(0);
        SafetyResult batched = nsfw.score(List.of(rocket, cat)).get(1);
        for (String c : nsfw.classes()) {
            assertEquals(alone.scores().get(c), batched.scores().get(c), 1e-6, c);
        }
    }

    @Test
    void unknownUnsafeClassIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NsfwjsClassifier(client, "n", "nsfwjs_mobilenet_v2", List.of("Porn", "Nude")));
        assertTrue(e.getMessage().contains("'Nude'") && e.getMessage().contains("Sexy"), e.getMessage());
    }

    @Test
    void alignCornersResizeKeepsCornersAndInterpolatesLinearly() {
        // 2x2 image, one channel varying: corners map exactly onto the 3x3 output's corners, the middle is the mean.
        byte[] rgb = new byte[12];
        int[] red = {0, 100, 200, 250};
        for (int i = 0; i < 4; i++) {
            rgb[3 * i] = (byte) red[i];
        }
        float[] chw = AlignCornersResize.toChw(new RgbImage(2, 2, rgb), 3);
        assertEquals((float) (0 / 255.0), chw[0]);
        assertEquals((float) (100 / 255.0), chw[2]);
        assertEquals((float) (200 / 255.0), chw[6]);
        assertEquals((float) (250 / 255.0), chw[8]);
        assertEquals((0 + 100 + 200 + 250) / 4.0 / 255.0, chw[4], 1e-6);
        assertEquals(0f, chw[9 + 4]);
    }
}
