package dev.lucid.evaluation;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.scoring.InceptionFeatures;
import dev.lucid.scoring.ScorerCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code inception} feature scorer over the in-process inference service and the toy_inception stand-in. */
class InceptionFeaturesTest {
    static ToyMesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = new ToyMesh();
    }

    @AfterAll
    static void stop() throws Exception {
        mesh.close();
    }

    static RgbImage solid(int side, int r, int g, int b) {
        byte[] rgb = new byte[3 * side * side];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(side, side, rgb);
    }

    /** The model run directly on a 299 x 299 input filled with one value per channel. */
    static float[] direct(float r, float g, float b) {
        int plane = 299 * 299;
        float[] data = new float[3 * plane];
        Arrays.fill(data, 0, plane, r);
        Arrays.fill(data, plane, 2 * plane, g);
        Arrays.fill(data, 2 * plane, 3 * plane, b);
        return mesh.client.infer(InferenceRequest.builder("toy_inception")
                .input(Tensor.ofFloats("image", TensorShape.of(1, 3, 299, 299), data)).output("features").build())
                .output("features").floats();
    }

    @Test
    void imagesOfAnySizeAreResizedTo299AndScaledToMinusOneOne() {
        InceptionFeatures f = new InceptionFeatures(mesh.client, "toy_inception");
        List<float[]> got = f.features(List.of(solid(8, 0, 255, 0), solid(64, 0, 255, 0), solid(8, 255, 0, 255)));
        assertEquals(3, got.size());
        assertEquals(InceptionFeatures.DIMENSION, got.get(0).length);
        // Black is -1 and full intensity +1 at the model's input, whatever the image's size.
        assertArrayEquals(direct(-1, 1, -1), got.get(0), 1e-5f);
        assertArrayEquals(got.get(0), got.get(1), 1e-5f);
        assertArrayEquals(direct(1, -1, 1), got.get(2), 1e-5f);
        assertFalse(Arrays.equals(got.get(0), got.get(2)));
        for (float v : got.get(2)) {
            assertTrue(v >= 0, "pool3-like features are non-negative");
        }
    }

    @Test
    void theCatalogNamesTheFeatureScorerAndItsFingerprint(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("scorers.json");
        Files.writeString(catalog, """
                {"utility": {"clip": {"image_model": "toy_clip_image", "text_model": "toy_clip_text",
                  "tokenizer": "deploy/mini-world/tokenizer.json"},
                  "features": {"kind": "inception", "model": "toy_inception"}}}""");
        ScorerCatalog c = ScorerCatalog.load(catalog, ToyMesh.ROOT, mesh.client);
        String fp = c.features().orElseThrow().fingerprint();
        assertTrue(fp.matches("[0-9a-f]{64}"), fp);
        assertNotEquals(c.clip().orElseThrow().fingerprint(), fp);
        assertEquals(fp, new InceptionFeatures(mesh.client, "toy_inception").fingerprint());
        assertNotEquals(fp, new InceptionFeatures(mesh.client, "toy_clip_image").fingerprint(), "another model, another fingerprint");

        // Without a features entry, the CLIP image embeddings stay the features.
        Files.writeString(catalog, "{\"utility\": {}}");
        assertTrue(ScorerCatalog.load(catalog, ToyMesh.ROOT, mesh.client).features().isEmpty());
        Files.writeString(catalog, "{\"utility\": {\"features\": {\"kind\": \"swav\", \"model\": \"m\"}}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScorerCatalog.load(catalog, ToyMesh.ROOT, mesh.client));
        assertEquals("utility.features: unknown kind 'swav' (inception)", e.getMessage());
    }

    @Test
    void aModelBreakingTheContractIsNamed() {
        // conv_stack returns 48 features per image, not 2048 (and takes 64 x 64, so the resize goes there).
        InceptionFeatures wrong = new InceptionFeatures(mesh.client, "conv_stack");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.features(List.of(solid(8, 1, 2, 3))));
        assertTrue(e.getMessage().contains("model 'conv_stack' returned 48 values for 1 images"), e.getMessage());
    }
}
