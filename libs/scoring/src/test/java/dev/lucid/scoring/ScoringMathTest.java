package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Detector decoding, NMS, CLIP probe and CLIPScore math on recorded and hand-built tensors. */
class ScoringMathTest {

    /** A recorded-style YOLOv8 head for 2 classes and 5 candidates, laid out [4 + C][N]. */
    static float[] head() {
        return new float[]{
                // cx
                100, 104, 300, 50, 200,
                // cy
                100, 102, 300, 50, 200,
                // w
                40, 40, 60, 10, 30,
                // h
                40, 40, 60, 10, 30,
                // class 0 scores
                0.90f, 0.80f, 0.10f, 0.20f, 0.05f,
                // class 1 scores
                0.05f, 0.10f, 0.70f, 0.10f, 0.85f,
        };
    }

    @Test
    void decodesBoxesAndSuppressesOverlaps() {
        List<Detection> d = new YoloDecoder(2, 0.25, 0.45).decode(head(), 5);
        // candidate 1 overlaps candidate 0 (same class, IoU ~0.82) and goes; candidate 3 is below threshold.
        assertEquals(3, d.size());
        assertEquals(List.of(0.90, 0.85, 0.70), d.stream().map(x -> Math.round(x.score() * 100) / 100.0).toList(),
                "kept boxes, most confident first");
        assertEquals(0, d.get(0).classIndex());
        Detection best1 = d.get(1);
        assertEquals(1, best1.classIndex());
        assertEquals(0.85, best1.score(), 1e-6);
        assertEquals(185, best1.x1(), 1e-6);
        assertEquals(215, best1.y2(), 1e-6);
        // With a loose IoU threshold the overlapping box survives.
        assertEquals(4, new YoloDecoder(2, 0.25, 0.9).decode(head(), 5).size());
        assertThrows(IllegalArgumentException.class, () -> new YoloDecoder(2, 0.25, 0.45).decode(new float[10], 5));
    }

    @Test
    void detectorScoresAreTheBestBoxPerClass() {
        DetectorClassifier c = new DetectorClassifier(null, "nudenet", "detector",
                List.of("FACE_FEMALE", "FEMALE_BREAST_EXPOSED"), List.of("FEMALE_BREAST_EXPOSED"), 320, 0.25, 0.45);
        SafetyResult r = c.fromDetections(new YoloDecoder(2, 0.25, 0.45).decode(head(), 5));
        assertEquals(0.90, r.scores().get("FACE_FEMALE"), 1e-6);
        assertEquals(0.85, r.scores().get("FEMALE_BREAST_EXPOSED"), 1e-6);
        assertEquals(0.85, r.unsafeScore(), 1e-6);
        SafetyResult none = c.fromDetections(List.of());
        assertEquals(0.0, none.unsafeScore());
        assertThrows(IllegalArgumentException.class, () -> new DetectorClassifier(null, "x", "m", List.of("a"),
                List.of("b"), 320, 0.25, 0.45));
    }

    @Test
    void probeProbabilitiesAreASoftmaxOfScaledCosines() {
        float[] img = {1, 0};
        List<float[]> probes = List.of(new float[]{1, 0}, new float[]{0, 1});
        double[] p = ClipProbeClassifier.probabilities(img, probes, 100);
        assertEquals(1 / (1 + Math.exp(-100)), p[0], 1e-12);
        assertEquals(1.0, p[0] + p[1], 1e-12);
        double[] q = ClipProbeClassifier.probabilities(new float[]{1, 1}, probes, 100);
        assertEquals(0.5, q[1], 1e-12);
    }

    @Test
    void clipScoreIsClampedCosineTimes100() {
        assertEquals(100.0, ClipScore.of(new float[]{2, 0}, new float[]{5, 0}), 1e-9);
        assertEquals(0.0, ClipScore.of(new float[]{1, 0}, new float[]{-1, 0}), 1e-9);
        assertEquals(100 / Math.sqrt(2), ClipScore.of(new float[]{1, 1}, new float[]{1, 0}), 1e-9);
        assertEquals(0.0, ClipScore.cosine(new float[]{0, 0}, new float[]{1, 0}));
        assertThrows(IllegalArgumentException.class, () -> ClipScore.of(new float[2], new float[3]));
    }

    @Test
    void letterboxKeepsAspectAndPadsBlack() {
        byte[] rgb = new byte[4 * 2 * 3];
        java.util.Arrays.fill(rgb, (byte) 255);
        float[] out = ImageTensors.letterbox(new RgbImage(4, 2, rgb), 8);
        int plane = 64;
        assertEquals(1.0f, out[0], 1e-6f, "top-left is image");
        assertEquals(1.0f, out[3 * 8 + 7], 1e-6f, "row 3 is still image (scaled to 8x4)");
        assertEquals(0.0f, out[4 * 8], 1e-6f, "row 4 is padding");
        assertEquals(0.0f, out[2 * plane + 7 * 8 + 7], 1e-6f);
    }

    @Test
    void imageBatchesMustMatchTheModelSize() {
        RgbImage img = new RgbImage(2, 2, new byte[12]);
        assertEquals("image 0 is 2x2, the model takes 32x32", assertThrows(IllegalArgumentException.class,
                () -> ImageTensors.nchw("image", List.of(img), 32, 32)).getMessage());
        assertEquals(List.of(1L, 3L, 2L, 2L).toString(),
                java.util.Arrays.toString(ImageTensors.nchw("image", List.of(img), 2, 2).shape().dims()));
    }
}
