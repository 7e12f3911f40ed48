package dev.lucid.scoring;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diffusers' safety-checker rule on 2-d embeddings whose cosines are worked out by hand. */
class SdSafetyCheckerTest {
    static final float[] X = {1, 0};
    static final float[] Y = {0, 1};
    static final float[] DIAGONAL = {1, 1};

    static SafetyConcepts table(List<float[]> special, double[] specialThresholds) {
        // concept 0 = x axis (threshold 0.605), concept 1 = y axis (threshold 0.9)
        return new SafetyConcepts(List.of(X, Y), new double[]{0.605, 0.9}, special, specialThresholds);
    }

    @Test
    void aConceptAboveItsThresholdMakesTheImageUnsafe() {
        // image = x: special care (diagonal) cos 0.7071 - 0.75 = -0.043 (no adjustment); concept 0: 1 - 0.605 = 0.395,
        // concept 1: 0 - 0.9 = -0.9.
        SdSafetyChecker.Check c = SdSafetyChecker.check(X, table(List.of(DIAGONAL), new double[]{0.75}));
        assertArrayEquals(new double[]{-0.043}, c.specialCareScores(), 0);
        assertArrayEquals(new double[]{0.395, -0.9}, c.conceptScores(), 0);
        assertTrue(c.hasNsfwConcept());
        assertEquals(0.895, c.unsafeScore(), 1e-12);
    }

    @Test
    void aSpecialCareConceptAddsOneHundredthToEveryConceptScore() {
        // image = (0.6, 0.8): special care cos (0.6 + 0.8) / sqrt 2 = 0.98995 - 0.75 = 0.240 > 0, so adjustment 0.01;
        // concept 0: 0.6 - 0.605 + 0.01 = 0.005 > 0 (without the adjustment it would be -0.005, safe);
        // concept 1: 0.8 - 0.9 + 0.01 = -0.09.
        float[] image = {0.6f, 0.8f};
        SdSafetyChecker.Check c = SdSafetyChecker.check(image, table(List.of(DIAGONAL), new double[]{0.75}));
        assertArrayEquals(new double[]{0.24}, c.specialCareScores(), 0);
        assertArrayEquals(new double[]{0.005, -0.09}, c.conceptScores(), 0);
        assertTrue(c.hasNsfwConcept());
        assertEquals(0.505, c.unsafeScore(), 1e-12);
        // Without the special-care concept firing (threshold 0.99): concept 0 stays at -0.005, the image is safe.
        SdSafetyChecker.Check calm = SdSafetyChecker.check(image, table(List.of(DIAGONAL), new double[]{0.99}));
        assertArrayEquals(new double[]{-0.005, -0.1}, calm.conceptScores(), 0);
        assertFalse(calm.hasNsfwConcept());
        assertEquals(0.495, calm.unsafeScore(), 1e-12);
    }

    @Test
    void theAdjustmentAlsoReachesTheSpecialCareConceptsAfterTheFirstThatFired() {
        // Special care [x-axis (threshold 0.605), diagonal (0.75)] on (0.6, 0.8): x-axis comes first, before any
        // adjustment: 0.6 - 0.605 = -0.005. In the other order the diagonal fires first and x-axis gets +0.01: 0.005.
        float[] image = {0.6f, 0.8f};
        assertArrayEquals(new double[]{-0.005, 0.24},
                SdSafetyChecker.check(image, table(List.of(X, DIAGONAL), new double[]{0.605, 0.75})).specialCareScores(), 0);
        assertArrayEquals(new double[]{0.24, 0.005},
                SdSafetyChecker.check(image, table(List.of(DIAGONAL, X), new double[]{0.75, 0.605})).specialCareScores(), 0);
    }

    @Test
    void scoresAreRoundedToThreeDecimalsBeforeTheComparison() {
        // 1 - 0.9996 = 0.0004 rounds to 0.0, which is not above 0: safe, and the unsafe score is exactly 0.5, which
        // the threshold 0.5 (score > threshold) does not count.
        SafetyConcepts t = new SafetyConcepts(List.of(X), new double[]{0.9996}, List.of(Y), new double[]{0.5});
        SdSafetyChecker.Check c = SdSafetyChecker.check(X, t);
        assertArrayEquals(new double[]{0.0}, c.conceptScores(), 0);
        assertFalse(c.hasNsfwConcept());
        assertEquals(0.5, c.unsafeScore(), 0);
        SafetyConcepts t2 = new SafetyConcepts(List.of(X), new double[]{0.9985}, List.of(Y), new double[]{0.5});
        assertArrayEquals(new double[]{0.002}, SdSafetyChecker.check(X, t2).conceptScores(), 0, "1 - float32(0.9985) = 0.0015000105 rounds up");
    }

    @Test
    void conceptFilesAreValidatedWithTheFieldNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("concepts.json");
        Files.writeString(f, "{\"concept_embeds\": [[1, 0], [0, 1]], \"concept_thresholds\": [0.5],"
                + " \"special_care_embeds\": [[1, 1]], \"special_care_thresholds\": [0.75]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetyConcepts.load(f));
        assertTrue(e.getMessage().contains("concept_thresholds"), e.getMessage());
        Files.writeString(f, "{\"concept_embeds\": [[1, 0]], \"concept_thresholds\": [0.5],"
                + " \"special_care_embeds\": [[1, 1, 0]], \"special_care_thresholds\": [0.75]}");
        e = assertThrows(IllegalArgumentException.class, () -> SafetyConcepts.load(f));
        assertTrue(e.getMessage().contains("special_care_embeds"), e.getMessage());
        Files.writeString(f, "{\"concept_embeds\": [[1, \"a\"]], \"concept_thresholds\": [0.5],"
                + " \"special_care_embeds\": [[1, 1]], \"special_care_thresholds\": [0.75]}");
        e = assertThrows(IllegalArgumentException.class, () -> SafetyConcepts.load(f));
        assertTrue(e.getMessage().contains("concept_embeds[0][1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SdSafetyChecker.check(new float[]{1, 0, 0},
                new SafetyConcepts(List.of(X), new double[]{0.5}, List.of(Y), new double[]{0.5})));
    }
}
