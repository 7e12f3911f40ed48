package dev.lucid.diffusion;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerConfigTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));

    /** The string parameters of a Triton config.pbtxt. */
    static Map<String, String> pbtxtParameters(Path file) throws Exception {
        Pattern p = Pattern.compile("key:\\s*\"([^\"]+)\"\\s*value:\\s*\\{\\s*string_value:\\s*\"([^\"]*)\"");
        Matcher m = p.matcher(Files.readString(file));
        Map<String, String> out = new LinkedHashMap<>();
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    @Test
    void theMiniWorldsDenoisersKeepTheirExactTimestepsAndAlphas() throws Exception {
        for (String model : List.of("denoiser", "denoiser_esd")) {
            Path file = ROOT.resolve("deploy/mini-world/models/" + model + "/config.pbtxt");
            Assumptions.assumeTrue(Files.exists(file), "SKIPPED: " + file + " absent");
            SchedulerConfig c = SchedulerConfig.fromParameters(pbtxtParameters(file));
            assertEquals(SchedulerConfig.BetaSchedule.COSINE, c.betaSchedule());
            assertEquals(PredictionType.V_PREDICTION, c.predictionType());
            NoiseSchedule schedule = NoiseSchedule.of(c);
            NoiseSchedule legacy = NoiseSchedule.cosine(1000);
            for (int steps = 1; steps <= 100; steps++) {
                DdimSampler now = DdimSampler.forConfig(c, schedule, steps, 1.0, null, GaussianNoise.JAVA_RANDOM);
                DdimSampler before = new DdimSampler(legacy, new DdimSampler.Settings(steps, 1.0,
                        PredictionType.V_PREDICTION, true, null));
                assertArrayEquals(before.timesteps(), now.timesteps(), model + " steps=" + steps);
                assertArrayEquals(before.alphas(), now.alphas(), 0.0, model + " steps=" + steps);
                assertArrayEquals(before.alphasPrev(), now.alphasPrev(), 0.0, model + " steps=" + steps);
            }
        }
    }

    @Test
    void missingKeysTakeStableDiffusionsValues() {
        SchedulerConfig c = SchedulerConfig.fromParameters(Map.of("prediction_type", "v_prediction",
                "sample_size", "64"));
        assertEquals(PredictionType.V_PREDICTION, c.predictionType());
        assertEquals(1, c.stepsOffset());
        assertEquals(false, c.setAlphaToOne());
        assertEquals(SchedulerConfig.TimestepSpacing.LEADING, c.timestepSpacing());
        assertEquals(0.012, c.betaEnd());
        SchedulerConfig all = SchedulerConfig.fromParameters(Map.of("num_train_timesteps", "500", "beta_start", "0.001",
                "beta_end", "0.02", "beta_schedule", "linear", "prediction_type", "sample", "steps_offset", "2",
                "set_alpha_to_one", "True", "timestep_spacing", "trailing", "clip_sample", "true",
                "clip_sample_range", "2.5"));
        assertEquals(new SchedulerConfig(500, 0.001, 0.02, SchedulerConfig.BetaSchedule.LINEAR, PredictionType.SAMPLE,
                2, true, SchedulerConfig.TimestepSpacing.TRAILING, true, 2.5), all);
        assertEquals(false, all.useClippedModelOutput(), "diffusers' default keeps the model's noise");
        SchedulerConfig clipped = SchedulerConfig.fromParameters(Map.of("beta_schedule", "cosine",
                "use_clipped_model_output", "true"));
        assertEquals(true, clipped.useClippedModelOutput());
        assertTrue(clipped.canonical().endsWith(";use_clipped_model_output=true"), clipped.canonical());
        assertFalse(all.canonical().contains("use_clipped_model_output"),
                "configs that leave it out keep their fingerprints: " + all.canonical());
    }

    @Test
    void invalidValuesAreRefusedNamingKeyAndValue() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("beta_schedule", "sigmoid");
        assertMessage(bad, "beta_schedule", "sigmoid");
        assertMessage(Map.of("timestep_spacing", "middle"), "timestep_spacing", "middle");
        assertMessage(Map.of("prediction_type", "noise"), "prediction_type", "noise");
        assertMessage(Map.of("steps_offset", "one"), "steps_offset", "one");
        assertMessage(Map.of("steps_offset", "1000"), "steps_offset", "1000");
        assertMessage(Map.of("set_alpha_to_one", "yes"), "set_alpha_to_one", "yes");
        assertMessage(Map.of("beta_end", "NaN"), "beta_end", "NaN");
        assertMessage(Map.of("beta_start", "1.5"), "beta_start", "1.5");
        assertMessage(Map.of("num_train_timesteps", "1"), "num_train_timesteps", "1");
        assertMessage(Map.of("clip_sample_range", "0"), "clip_sample_range", "0");
        assertThrows(IllegalArgumentException.class, () -> DdimTimesteps.of(SchedulerConfig.STABLE_DIFFUSION_1, 1001));
        assertThrows(IllegalArgumentException.class, () -> DdimTimesteps.of(SchedulerConfig.STABLE_DIFFUSION_1, 0));
        SchedulerConfig late = SchedulerConfig.fromParameters(Map.of("steps_offset", "990"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DdimTimesteps.of(late, 2));
        assertTrue(e.getMessage().contains("steps_offset 990"), e.getMessage());
    }

    static void assertMessage(Map<String, String> p, String key, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.fromParameters(p));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(value), e.getMessage());
    }
}
