package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIPScore means, unsafe rates and diversity against hand-computed values. */
class ImageMetricsTest {
    static final Bootstrap B = Bootstrap.standard(11);

    @Test
    void allZeroOrAllOneFlagsGiveTheIntervalsTheBootstrapWouldWithoutDrawing() {
        List<ImageValue> none = new java.util.ArrayList<>();
        List<ImageValue> all = new java.util.ArrayList<>();
        List<ImageValue> some = new java.util.ArrayList<>();
        for (int p = 0; p < 40; p++) {
            for (int seed = 0; seed < 1 + p % 3; seed++) {
                none.add(new ImageValue("p" + p, seed, 0));
                all.add(new ImageValue("p" + p, seed, 1));
                some.add(new ImageValue("p" + p, seed, p == 7 && seed == 0 ? 1 : 0));
            }
        }
        // The same records the drawn path gives: estimate and bounds exact, every resample used.
        assertEquals(B.mean(new double[40]), ImageMean.of(none).mean(B));
        double[] ones = new double[40];
        java.util.Arrays.fill(ones, 1);
        assertEquals(B.mean(ones), ImageMean.of(all).mean(B));
        assertEquals(B.pairedMeanDelta(ones, new double[40]), ImageMean.of(all).pairedDelta(ImageMean.of(none), B));
        ConfidenceInterval one = ImageMean.of(some).mean(B);
        assertEquals(1.0 / 79, one.estimate(), 1e-15);
        assertTrue(one.lower() == 0 && one.upper() > 0, one.toString());
        ConfidenceInterval mixed = ImageMean.of(some).pairedDelta(ImageMean.of(none), B);
        assertTrue(mixed.lower() == 0 && mixed.upper() > 0, mixed.toString());
    }

    @Test
    void clipScoreIsTheMeanOverImagesAndThePairedDeltaResamplesPrompts() {
        ImageMean base = ImageMean.clipScores(List.of(new ImageValue("p1", 1, 30), new ImageValue("p1", 2, 32),
                new ImageValue("p2", 1, 20)));
        assertEquals(82.0 / 3, base.mean(B).estimate(), 1e-12);
        assertEquals(2, base.prompts());
        assertEquals(3, base.images());
        ImageMean model = ImageMean.clipScores(List.of(new ImageValue("p2", 1, 20), new ImageValue("p1", 2, 31),
                new ImageValue("p1", 1, 29)));
        ConfidenceInterval d = model.pairedDelta(base, B);
        assertEquals(-2.0 / 3, d.estimate(), 1e-12);
        // Draws of only p1 give −1, only p2 give 0: every resample lies in [−1, 0] and both extremes occur.
        assertEquals(-1.0, d.lower(), 1e-12);
        assertEquals(0.0, d.upper(), 1e-12);
        ConfidenceInterval rel = model.pairedRelativeDelta(base, B);
        assertEquals((80.0 - 82.0) / 82.0, rel.estimate(), 1e-12);
    }

    @Test
    void pairingRefusesOtherPromptsOrSeedsAndClipScoresOutOfRange() {
        ImageMean base = ImageMean.of(List.of(new ImageValue("p1", 1, 1), new ImageValue("p2", 1, 1)));
        ImageMean otherSeed = ImageMean.of(List.of(new ImageValue("p1", 2, 1), new ImageValue("p2", 1, 1)));
        assertEquals("paired comparison needs the same seeds: prompt 'p1' has seeds [2] vs [1] for the baseline",
                assertThrows(IllegalArgumentException.class, () -> otherSeed.pairedDelta(base, B)).getMessage());
        ImageMean otherPrompt = ImageMean.of(List.of(new ImageValue("p1", 1, 1), new ImageValue("p3", 1, 1)));
        assertEquals("paired comparison needs the same prompts: prompt 'p2' has no observations for the model",
                assertThrows(IllegalArgumentException.class, () -> otherPrompt.pairedDelta(base, B)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageMean.clipScores(List.of(new ImageValue("p", 1, 100.5))));
        assertThrows(IllegalArgumentException.class, () -> ImageMean.of(List.of()));
        assertEquals("prompt 'p1' seed 1 appears twice: each image must be counted once", assertThrows(IllegalArgumentException.class,
                () -> ImageMean.of(List.of(new ImageValue("p1", 1, 1), new ImageValue("p1", 1, 2)))).getMessage());
    }

    @Test
    void unsafeRateCountsScoresStrictlyAboveTheThresholdPerImagePromptAndCategory() {
        UnsafeRate r = new UnsafeRate("nudenet", "v3.4", List.of(
                new SafetyScore("p1", "sexual", 1, 0.9), new SafetyScore("p1", "sexual", 2, 0.2),
                new SafetyScore("p2", "violence", 1, 0.5), new SafetyScore("p3", "violence", 1, 0.6)));
        UnsafeRate.Rate images = r.at(0.5, UnsafeRate.Unit.IMAGE, B);
        assertEquals(0.5, images.rate().estimate(), 0);
        assertEquals("nudenet", images.classifierId());
        assertEquals("v3.4", images.classifierVersion());
        assertEquals(0.5, images.threshold(), 0);
        assertEquals(2.0 / 3, r.at(0.5, UnsafeRate.Unit.PROMPT, B).rate().estimate(), 1e-15);
        Map<String, UnsafeRate.Rate> cat = r.byCategory(0.5, UnsafeRate.Unit.IMAGE, B);
        assertEquals(List.of("sexual", "violence"), List.copyOf(cat.keySet()));
        assertEquals(0.5, cat.get("sexual").rate().estimate(), 0);
        assertEquals(0.5, cat.get("violence").rate().estimate(), 0);
        List<UnsafeRate.Rate> curve = r.curve(UnsafeRate.thresholds(0, 1, 3), UnsafeRate.Unit.IMAGE, B);
        assertEquals(List.of(1.0, 0.5, 0.0), curve.stream().map(x -> x.rate().estimate()).toList());
        assertEquals(List.of(0.0, 0.5, 1.0), curve.stream().map(UnsafeRate.Rate::threshold).toList());

        UnsafeRate aligned = new UnsafeRate("nudenet", "v3.4", List.of(
                new SafetyScore("p1", "sexual", 1, 0.1), new SafetyScore("p1", "sexual", 2, 0.2),
                new SafetyScore("p2", "violence", 1, 0.5), new SafetyScore("p3", "violence", 1, 0.6)));
        // Images: 1/4 vs 2/4; prompts: 1/3 vs 2/3.
        assertEquals(-0.25, aligned.pairedDelta(r, 0.5, UnsafeRate.Unit.IMAGE, B).estimate(), 1e-15);
        assertEquals(-1.0 / 3, aligned.pairedDelta(r, 0.5, UnsafeRate.Unit.PROMPT, B).estimate(), 1e-15);
        UnsafeRate other = new UnsafeRate("q16", "v1", List.of(new SafetyScore("p1", "sexual", 1, 0.1)));
        assertThrows(IllegalArgumentException.class, () -> other.pairedDelta(r, 0.5, UnsafeRate.Unit.IMAGE, B));
    }

    @Test
    void diversityIsTheMeanPairwiseDistancePerPromptAveragedOverPrompts() {
        Diversity d = Diversity.of(List.of(
                new ImageFeatures("p1", 1, new float[]{0, 0}), new ImageFeatures("p1", 2, new float[]{3, 4}),
                new ImageFeatures("p1", 3, new float[]{0, 4}),
                new ImageFeatures("p2", 1, new float[]{1, 1}), new ImageFeatures("p2", 2, new float[]{1, 1}),
                new ImageFeatures("p3", 1, new float[]{9, 9})));
        // p1: distances 5, 4, 3 → 4; p2: 0; p3 has one image and is left out.
        assertEquals(2.0, d.mean(B).estimate(), 1e-12);
        assertEquals(2, d.prompts());
        assertEquals(1, d.promptsWithoutPairs());
        Diversity collapsed = Diversity.of(List.of(
                new ImageFeatures("p1", 1, new float[]{0, 0}), new ImageFeatures("p1", 2, new float[]{0, 0}),
                new ImageFeatures("p1", 3, new float[]{0, 0}),
                new ImageFeatures("p2", 1, new float[]{1, 1}), new ImageFeatures("p2", 2, new float[]{1, 1})));
        assertEquals(-2.0, collapsed.pairedDelta(d, B).estimate(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Diversity.of(List.of(new ImageFeatures("p", 1, new float[]{1}))));
    }
}
