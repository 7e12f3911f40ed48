package dev.lucid.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdimSamplerTest {
    static final NoiseSchedule COSINE = NoiseSchedule.cosine(1000);
    static final int SIZE = 12;

    /**
     * A perfect denoiser for a known clean sample: conditioning k means "the image is the constant
     * targets[k]"; it returns the exact ε or v for that target at the row's x and t.
     */
    static Denoiser oracle(PredictionType type, double... targets) {
        return (samples, rows, timesteps, conditioning) -> {
            float[] out = new float[samples.length];
            int size = samples.length / rows;
            for (int r = 0; r < rows; r++) {
                double a = COSINE.alphaCumprod((int) timesteps[r]);
                double x0 = targets[conditioning[r]];
                for (int j = 0; j < size; j++) {
                    double x = samples[r * size + j];
                    double eps = (x - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
                    out[r * size + j] = (float) switch (type) {
                        case EPSILON -> eps;
                        case V_PREDICTION -> Math.sqrt(a) * eps - Math.sqrt(1 - a) * x0;
                        case SAMPLE -> x0;
                    };
                }
            }
            return out;
        };
    }

    static float[] run(Denoiser d, DdimSampler.Settings s, DdimSampler.Item item) throws Exception {
        return new DdimSampler(COSINE, s).sample(d, List.of(item), SIZE).get(0);
    }

    static DdimSampler.Settings settings(PredictionType p, double w, SafetyGuidance sld) {
        return new DdimSampler.Settings(25, w, p, true, sld);
    }

    @Test
    void scheduleMatchesTheMiniWorldsFloat64Values() throws Exception {
        Path file = Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/schedule.json");
        if (!Files.exists(file)) {
            System.out.println("SKIPPED: " + file + " absent");
        }
        Assumptions.assumeTrue(Files.exists(file));
        JsonNode acp = new ObjectMapper().readTree(file.toFile()).get("alphas_cumprod");
        assertEquals(1000, acp.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(acp.get(i).asDouble(), COSINE.alphaCumprod(i), 1e-12, "t=" + i);
        }
        assertEquals(1.0, COSINE.alphaCumprod(-1));
    }

    @Test
    void timestepsAreLeadingSpaced() {
        int[] ts = new DdimSampler(COSINE, settings(PredictionType.V_PREDICTION, 4, null)).timesteps();
        assertEquals(25, ts.length);
        assertEquals(960, ts[0]);
        assertEquals(920, ts[1]);
        assertEquals(0, ts[24]);
    }

    @Test
    void perfectDenoiserRecoversItsTarget() throws Exception {
        for (PredictionType p : PredictionType.values()) {
            float[] img = run(oracle(p, 0.4, -0.2), settings(p, 1.0, null), new DdimSampler.Item(3, 0, 1, -1));
            for (float v : img) {
                assertEquals((0.4 + 1) / 2, v, 1e-5, p.name());
            }
        }
    }

    @Test
    void guidanceExtrapolatesFromUnconditionalToConditional() throws Exception {
        // targets: prompt 0.1, null caption -0.1, negative prompt 0.3
        Denoiser d = oracle(PredictionType.V_PREDICTION, 0.1, -0.1, 0.3);
        DdimSampler.Item item = new DdimSampler.Item(11, 0, 1, -1);
        assertEquals((-0.1 + 1) / 2, run(d, settings(PredictionType.V_PREDICTION, 0.0, null), item)[0], 1e-5);
        assertEquals((0.3 + 1) / 2, run(d, settings(PredictionType.V_PREDICTION, 2.0, null), item)[0], 1e-5,
                "x0 = u + 2 (c - u) = 0.3");
        DdimSampler.Item negative = new DdimSampler.Item(11, 0, 2, -1);
        assertEquals((-0.1 + 1) / 2, run(d, settings(PredictionType.V_PREDICTION, 2.0, null), negative)[0], 1e-5,
                "a negative prompt replaces the unconditional branch: 0.3 + 2 (0.1 - 0.3) = -0.1");
    }

    @Test
    void clippedModelOutputRederivesTheNoiseFromTheClippedSample() throws Exception {
        // An x0 model that overshoots (x̂₀ = 2x), two steps: what step one hands on decides the image.
        Denoiser overshoot = (s, rows, t, c) -> {
            float[] o = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                o[i] = 2 * s[i];
            }
            return o;
        };
        DdimSampler.Item item = new DdimSampler.Item(9, 0, 1, -1);
        int differ = 0;
        for (boolean rederive : new boolean[] {false, true}) {
            DdimSampler sampler = new DdimSampler(COSINE,
                    new DdimSampler.Settings(2, 1.0, PredictionType.SAMPLE, true, rederive, null));
            float[] img = sampler.sample(overshoot, List.of(item), SIZE).get(0);
            float[] z = GaussianNoise.JAVA_RANDOM.sample(9, SIZE);
            double a = sampler.alphas()[0];
            double aPrev = sampler.alphasPrev()[0];
            for (int j = 0; j < SIZE; j++) {
                double x = (float) z[j];
                double x0 = Math.max(-1, Math.min(1, 2 * x));
                double eps = (x - Math.sqrt(a) * (rederive ? x0 : 2 * x)) / Math.sqrt(1 - a);
                double x1 = (float) (Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps);
                double expected = (Math.max(-1, Math.min(1, 2 * x1)) + 1) / 2;
                assertEquals(expected, img[j], 1e-5, "rederive=" + rederive + " j=" + j);
                if (rederive && Math.abs(2 * x) > 1) {
                    differ++;
                }
            }
        }
        assertTrue(differ > 0, "some element was clipped, so the two rules were told apart");
    }

    @Test
    void sameSeedSameImageAndBatchingDoesNotChangeResults() throws Exception {
        // A denoiser whose prediction depends on x element-wise, so noise matters.
        Denoiser d = (s, rows, t, c) -> {
            float[] o = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                o[i] = (float) Math.tanh(s[i] * (1 + c[i / (s.length / rows)]) * 0.5);
            }
            return o;
        };
        DdimSampler sampler = new DdimSampler(COSINE, settings(PredictionType.V_PREDICTION, 4, null));
        DdimSampler.Item a = new DdimSampler.Item(1, 0, 1, -1);
        DdimSampler.Item b = new DdimSampler.Item(2, 0, 1, -1);
        List<float[]> together = sampler.sample(d, List.of(a, b), SIZE);
        assertArrayEquals(together.get(0), sampler.sample(d, List.of(a), SIZE).get(0));
        assertArrayEquals(together.get(1), sampler.sample(d, List.of(b), SIZE).get(0));
        assertArrayEquals(together.get(0), sampler.sample(d, List.of(a), SIZE).get(0));
        assertNotEquals(together.get(0)[0], together.get(1)[0]);
    }

    @Test
    void safetyGuidanceAfterWarmupOnlyAndAwayFromTheConcept() throws Exception {
        // prompt 0.5, null 0.0, concept 0.45: the prompt is close to the concept, SLD should pull away.
        // (Its scale is min(s_S · |ε_p − ε_S|, 1): zero when prompt and concept coincide exactly.)
        for (PredictionType p : PredictionType.values()) {
            Denoiser d = oracle(p, 0.5, 0.0, 0.45);
            DdimSampler.Item item = new DdimSampler.Item(5, 0, 1, 2);
            float plain = run(d, settings(p, 1.5, null), item)[0];
            float neverStarts = run(d, settings(p, 1.5, new SafetyGuidance(1000, 25, 0.01, 0.3, 0.4)), item)[0];
            float strong = run(d, settings(p, 1.5, SafetyGuidance.preset("strong")), item)[0];
            float max = run(d, settings(p, 1.5, SafetyGuidance.preset("max")), item)[0];
            assertEquals(plain, neverStarts, 1e-6, "warm-up longer than the run changes nothing");
            assertTrue(strong < plain - 0.05, p + ": strong " + strong + " vs plain " + plain);
            assertTrue(max <= strong + 1e-6, p + ": max " + max + " vs strong " + strong);
        }
    }

    @Test
    void safetyWeightScalesTheSldTermPerItem() throws Exception {
        // Risk-adaptive guidance sets a weight per item: 0 is plain guidance, 1 is SLD as its parameters give it,
        // and weights in between (or above) move the image monotonically along the same direction.
        for (PredictionType p : PredictionType.values()) {
            Denoiser d = oracle(p, 0.5, 0.0, 0.45);
            DdimSampler.Settings sld = settings(p, 1.5, SafetyGuidance.preset("strong"));
            float plain = run(d, settings(p, 1.5, null), new DdimSampler.Item(5, 0, 1, 2))[0];
            float off = run(d, sld, new DdimSampler.Item(5, 0, 1, 2, 0.0))[0];
            float half = run(d, sld, new DdimSampler.Item(5, 0, 1, 2, 0.5))[0];
            float[] full = run(d, sld, new DdimSampler.Item(5, 0, 1, 2, 1.0));
            float twice = run(d, sld, new DdimSampler.Item(5, 0, 1, 2, 2.0))[0];
            assertEquals(plain, off, 1e-6, p + ": weight 0 is plain guidance");
            assertArrayEquals(run(d, sld, new DdimSampler.Item(5, 0, 1, 2)), full, p + ": weight 1 is SLD unchanged");
            assertTrue(full[0] < half - 0.01 && half < plain - 0.01, p + ": " + plain + " > " + half + " > " + full[0]);
            assertTrue(twice < full[0] - 0.01, p + ": weight 2 goes further than 1: " + twice + " vs " + full[0]);
        }
        // Weights are per item within one batch: a weight-0 item next to a weight-1 item is its plain image.
        Denoiser d = oracle(PredictionType.EPSILON, 0.5, 0.0, 0.45);
        List<float[]> both = new DdimSampler(COSINE, settings(PredictionType.EPSILON, 1.5, SafetyGuidance.preset("strong")))
                .sample(d, List.of(new DdimSampler.Item(5, 0, 1, 2, 0.0), new DdimSampler.Item(5, 0, 1, 2, 1.0)), SIZE);
        assertEquals(run(d, settings(PredictionType.EPSILON, 1.5, null), new DdimSampler.Item(5, 0, 1, 2))[0], both.get(0)[0], 1e-6);
        assertTrue(both.get(1)[0] < both.get(0)[0] - 0.01);
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler.Item(5, 0, 1, 2, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler.Item(5, 0, 1, 2, Double.NaN));
    }

    @Test
    void safetyGuidanceLeavesUnrelatedPromptsAlone() throws Exception {
        // The concept agrees with the null caption, not the prompt: ε_c - ε_s is large, SLD stays off
        // except where the threshold lets it through (never, for threshold 0 and a positive difference).
        Denoiser d = oracle(PredictionType.V_PREDICTION, -0.5, 0.0, 0.5);
        DdimSampler.Item item = new DdimSampler.Item(5, 0, 1, 2);
        float plain = run(d, settings(PredictionType.V_PREDICTION, 1.5, null), item)[0];
        float weak = run(d, settings(PredictionType.V_PREDICTION, 1.5, SafetyGuidance.preset("weak")), item)[0];
        assertEquals(plain, weak, 0.02f);
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> settings(PredictionType.EPSILON, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler.Settings(0, 1, PredictionType.EPSILON, true, null));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(COSINE,
                new DdimSampler.Settings(1001, 1, PredictionType.EPSILON, true, null)));
        assertThrows(IllegalArgumentException.class, () -> SafetyGuidance.preset("extreme"));
        assertThrows(IllegalArgumentException.class, () -> GaussianNoise.sample(-1, 3));
        assertEquals(PredictionType.V_PREDICTION, PredictionType.parse("v_prediction"));
    }

    @Test
    void noiseIsFixedBySeed() {
        float[] a = GaussianNoise.sample(42, 1000);
        assertArrayEquals(a, GaussianNoise.sample(42, 1000));
        double mean = 0;
        double var = 0;
        for (float v : a) {
            mean += v;
        }
        mean /= a.length;
        for (float v : a) {
            var += (v - mean) * (v - mean);
        }
        var /= a.length - 1;
        assertEquals(0, mean, 0.1);
        assertEquals(1, var, 0.15);
        List<Float> firstOfSeeds = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            firstOfSeeds.add(GaussianNoise.sample(s, 1)[0]);
        }
        assertEquals(5, firstOfSeeds.stream().distinct().count());
    }
}
