package dev.lucid.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Timesteps and ᾱ against diffusers' DDIMScheduler (fixture from scripts/make_ddim_schedule_fixture.py). */
class DdimScheduleFixtureTest {

    static JsonNode fixture() throws Exception {
        try (InputStream in = DdimScheduleFixtureTest.class.getResourceAsStream("/ddim/schedules.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** The fixture's config as a denoiser's string parameters. */
    static Map<String, String> parameters(JsonNode config) {
        Map<String, String> p = new LinkedHashMap<>();
        config.fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
        return p;
    }

    @Test
    void timestepsAndAlphasMatchDiffusersForEveryConfigAndStepCount() throws Exception {
        int runs = 0;
        int refused = 0;
        for (JsonNode s : fixture().get("schedules")) {
            SchedulerConfig c = SchedulerConfig.fromParameters(parameters(s.get("config")));
            NoiseSchedule schedule = NoiseSchedule.of(c);
            String where = c.canonical();
            JsonNode acp = s.get("alphas_cumprod");
            assertEquals(c.numTrainTimesteps(), acp.size());
            for (int t = 0; t < acp.size(); t++) {
                assertEquals((float) acp.get(t).asDouble(), schedule.alphaCumprod(t), 0.0, where + " t=" + t);
                assertEquals(schedule.alphaCumprod(t), (float) schedule.alphaCumprod(t), 0.0, "a float32 value");
            }
            assertEquals(s.get("final_alpha_cumprod").asDouble(), schedule.alphaCumprod(-1), 0.0, where);
            for (JsonNode run : s.get("runs")) {
                int steps = run.get("steps").asInt();
                if (outsideTraining(run.get("timesteps"), c.numTrainTimesteps())) {
                    // numpy's arange gave one value too many (round → 0, minus 1): diffusers would index ᾱ[-1],
                    // Lucid refuses; the spacing itself still reproduces numpy's values.
                    assertThrows(IllegalArgumentException.class, () -> DdimTimesteps.of(c, steps), where);
                    assertArrayEquals(ints(run.get("timesteps")), DdimTimesteps.trailing(c.numTrainTimesteps(), steps));
                    refused++;
                    continue;
                }
                DdimSampler sampler = DdimSampler.forConfig(c, schedule, steps, 7.5, null, TorchCpuNoise.INSTANCE);
                int[] expected = new int[run.get("timesteps").size()];
                double[] prev = new double[expected.length];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = run.get("timesteps").get(k).asInt();
                    prev[k] = run.get("alpha_prev").get(k).asDouble();
                }
                assertArrayEquals(expected, sampler.timesteps(), where + " steps=" + steps);
                assertArrayEquals(prev, sampler.alphasPrev(), 0.0, where + " steps=" + steps);
                double[] alphas = sampler.alphas();
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(acp.get(expected[k]).asDouble(), alphas[k], 0.0, where + " steps=" + steps);
                }
                runs++;
            }
        }
        assertEquals(138, runs);
        assertEquals(2, refused, "T=999, trailing, 13 and 30 steps");
    }

    static boolean outsideTraining(JsonNode ts, int t) {
        for (JsonNode v : ts) {
            if (v.asInt() < 0 || v.asInt() >= t) {
                return true;
            }
        }
        return false;
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    @Test
    void stableDiffusionAtFiftyStepsVisits981To1() {
        SchedulerConfig sd = SchedulerConfig.fromParameters(Map.of("beta_schedule", "scaled_linear"));
        assertEquals(SchedulerConfig.STABLE_DIFFUSION_1, sd);
        int[] ts = DdimTimesteps.of(sd, 50);
        assertEquals(50, ts.length);
        for (int k = 0; k < 50; k++) {
            assertEquals(981 - 20 * k, ts[k]);
        }
        NoiseSchedule s = NoiseSchedule.of(sd);
        assertEquals(s.alphaCumprod(0), s.alphaCumprod(-1), 0.0, "set_alpha_to_one false: final ᾱ = ᾱ_0");
        assertEquals(0.99915, s.alphaCumprod(0), 1e-7);
    }
}
