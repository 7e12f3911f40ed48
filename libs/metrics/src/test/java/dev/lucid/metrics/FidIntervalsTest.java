package dev.lucid.metrics;

import dev.lucid.metrics.fid.FeatureStatisticsFiles;
import dev.lucid.metrics.fid.FrechetDistance;
import dev.lucid.metrics.fid.GaussianStatistics;
import dev.lucid.metrics.fid.NumpyArray;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FidIntervalsTest {
    static Path fixture(String name) throws Exception {
        return Path.of(FidIntervalsTest.class.getResource("/fid/" + name).toURI());
    }

    /** The basic fixture's 300 rows as 100 prompts × 3 seeds, optionally shifted. */
    static List<ImageFeatures> images(NumpyArray a, float shift) {
        int d = (int) a.shape()[1];
        List<ImageFeatures> out = new ArrayList<>();
        for (int r = 0; r < a.shape()[0]; r++) {
            float[] f = new float[d];
            for (int k = 0; k < d; k++) {
                f[k] = (float) a.data()[r * d + k] + shift;
            }
            out.add(new ImageFeatures("p" + r / 3, r % 3, f));
        }
        return out;
    }

    @Test
    void estimateIsTheFidOfAllImagesAndPairedDeltasAreExact() throws Exception {
        NumpyArray a = NumpyArray.readNpy(fixture("basic_a.npy"));
        GaussianStatistics reference = FeatureStatisticsFiles.load(fixture("basic_b.npy"));
        GaussianStatistics all = FeatureStatisticsFiles.load(fixture("basic_a.npy"));
        Bootstrap bootstrap = new Bootstrap(9, 200, 0.95);
        ConfidenceInterval fid = FidIntervals.fid(images(a, 0), reference, bootstrap);
        double expected = FrechetDistance.between(all, reference);
        assertEquals(expected, fid.estimate(), 1e-9 * expected);
        assertEquals(100, fid.units());
        assertTrue(fid.lower() < fid.upper());

        ConfidenceInterval same = FidIntervals.pairedDelta(images(a, 0), images(a, 0), reference, bootstrap);
        assertEquals(0.0, same.lower(), 0);
        assertEquals(0.0, same.upper(), 0);

        // Shifting every feature by 2 moves the mean term only: ΔFID = ‖μ + 2 − μ_ref‖² − ‖μ − μ_ref‖².
        ConfidenceInterval shifted = FidIntervals.pairedDelta(images(a, 2f), images(a, 0), reference, bootstrap);
        double mean = 0;
        for (int k = 0; k < 32; k++) {
            double m = all.mean()[k] - reference.mean()[k];
            mean += (m + 2) * (m + 2) - m * m;
        }
        assertEquals(mean, shifted.estimate(), 1e-4);
        assertTrue(shifted.excludesZero(), shifted.toString());
    }

    /** The interval from refitting each resample's images directly, as the definition reads. */
    static ConfidenceInterval direct(List<ImageFeatures> images, GaussianStatistics reference, Bootstrap bootstrap) {
        PromptGroups<ImageFeatures> groups = PromptGroups.perImage(images, ImageFeatures::promptId, ImageFeatures::seed);
        int d = reference.dimension();
        return bootstrap.interval(groups.size(), idx -> {
            List<float[]> drawn = new ArrayList<>();
            for (int p : idx) {
                groups.group(p).forEach(f -> drawn.add(f.features()));
            }
            if (drawn.size() < 2) {
                return Double.NaN;
            }
            dev.lucid.metrics.fid.FeatureMoments m = new dev.lucid.metrics.fid.FeatureMoments(d);
            m.add(drawn.toArray(float[][]::new));
            return FrechetDistance.between(m.statistics("draw"), reference);
        });
    }

    @Test
    void everyResampleEqualsTheFidOfItsImagesRefittedDirectly() throws Exception {
        NumpyArray a = NumpyArray.readNpy(fixture("basic_a.npy"));
        GaussianStatistics reference = FeatureStatisticsFiles.load(fixture("basic_b.npy"));
        Bootstrap bootstrap = new Bootstrap(4, 100, 0.95);
        // 300 images of D=32: per-prompt moments; 40 of them: mapped rows (fewer than 2·D); 24: the row Gram (below D).
        for (int images : new int[]{300, 40, 24}) {
            List<ImageFeatures> some = images(a, 0.5f).subList(0, images);
            ConfidenceInterval expected = direct(some, reference, bootstrap);
            ConfidenceInterval got = FidIntervals.fid(some, reference, bootstrap);
            String what = images + " images";
            assertEquals(expected.estimate(), got.estimate(), 1e-9 * expected.estimate(), what);
            assertEquals(expected.lower(), got.lower(), 1e-9 * expected.lower(), what);
            assertEquals(expected.upper(), got.upper(), 1e-9 * expected.upper(), what);
            assertEquals(expected.resamples(), got.resamples(), what);
        }
    }

    @Test
    void refusesBootstrapsTooLargeToRun() {
        GaussianStatistics reference = new GaussianStatistics("ref", 0, new double[2048], identity(2048));
        List<ImageFeatures> many = new ArrayList<>();
        for (int i = 0; i < 2100; i++) {
            many.add(new ImageFeatures("p" + i, 1, new float[2048]));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FidIntervals.fid(many, reference, Bootstrap.standard(1)));
        assertTrue(e.getMessage().startsWith("an FID bootstrap of 2100 images × D=2048 with 2000 resamples is too large"),
                e.getMessage());
    }

    @Test
    void fewerImagesThanDimensionsTakeTheCheapExactFormWithAnInterval() {
        // 12 prompts × 2 seeds against a 512-d reference: each resample is a 24×24 eigenproblem, not a 512×512 one.
        int d = 512;
        java.util.Random rng = new java.util.Random(3);
        double[] refMean = new double[d];
        GaussianStatistics reference = new GaussianStatistics("ref", 0, refMean, identity(d));
        List<ImageFeatures> images = new ArrayList<>();
        dev.lucid.metrics.fid.FeatureMoments m = new dev.lucid.metrics.fid.FeatureMoments(d);
        for (int p = 0; p < 12; p++) {
            for (int s = 0; s < 2; s++) {
                float[] f = new float[d];
                for (int k = 0; k < d; k++) {
                    f[k] = (float) (0.3 + rng.nextGaussian());
                }
                images.add(new ImageFeatures("p" + p, s, f));
                m.add(new float[][]{f});
            }
        }
        ConfidenceInterval fid = FidIntervals.fid(images, reference, new Bootstrap(5, 200, 0.95));
        double expected = FrechetDistance.between(m.statistics("all"), reference);
        assertEquals(expected, fid.estimate(), 1e-9 * expected);
        assertTrue(fid.lower() < fid.upper() && Double.isFinite(fid.lower()), fid.toString());
    }

    static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return m;
    }
}
