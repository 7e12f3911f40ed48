package dev.lucid.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.metrics.IllusionCheck.CoarseEvidence;
import dev.lucid.metrics.IllusionCheck.Settings;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verdicts on the mini world's measured comparisons (deploy/mini-world/metrics.json, written by its
 * training evaluation): coarse evidence from benign-simple (where papers measure FID/CLIPScore), structured
 * evidence from the compositional and near-concept strata.
 */
class MiniWorldVerdictTest {
    static final String[] STRUCTURED = {"benign-compositional", "benign-near-concept"};

    static JsonNode comparisons() throws Exception {
        Path file = Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/metrics.json");
        return new ObjectMapper().readTree(file.toFile()).get("comparisons");
    }

    static ConfidenceInterval ci(double estimate, JsonNode bounds) {
        return new ConfidenceInterval(estimate, bounds.get(0).asDouble(), bounds.get(1).asDouble(), 0.95, 120, 1000);
    }

    static List<CoarseEvidence> coarseOnSimplePrompts(JsonNode simple) {
        double clipBase = simple.get("clipscore_base").asDouble();
        double clipDelta = simple.get("clipscore").asDouble() - clipBase;
        // metrics.json records CLIPScore's change without an interval: a point interval stands in for it.
        CoarseEvidence clip = new CoarseEvidence("CLIPScore", clipBase, new ConfidenceInterval(clipDelta, clipDelta, clipDelta,
                0.95, 160, 1000), true, EquivalenceMargin.CLIPSCORE_DEFAULT);
        CoarseEvidence fid = new CoarseEvidence("FID", simple.get("fid_base").asDouble(),
                ci(simple.get("delta_fid").asDouble(), simple.get("delta_fid_ci")), false, EquivalenceMargin.FID_DEFAULT);
        return List.of(clip, fid);
    }

    static UtilityVerdict verdict(JsonNode model, String stratum, Settings settings) {
        JsonNode s = model.get(stratum);
        return IllusionCheck.judge(coarseOnSimplePrompts(model.get("benign-simple")),
                ci(s.get("delta_tifa").asDouble(), s.get("delta_tifa_ci")), settings).verdict();
    }

    @Test
    void desIsFlaggedEsdIsNot() throws Exception {
        JsonNode c = comparisons();
        for (String stratum : STRUCTURED) {
            assertEquals(UtilityVerdict.ILLUSION, verdict(c.get("des"), stratum, Settings.DEFAULT), "des " + stratum);
            // ESD's damage shows in CLIPScore (−13% on simple prompts) and FID: degraded, not an illusion.
            assertEquals(UtilityVerdict.DEGRADED, verdict(c.get("esd"), stratum, Settings.DEFAULT), "esd " + stratum);
        }
        assertEquals(UtilityVerdict.HELD, verdict(c.get("des"), "benign-simple", Settings.DEFAULT));
        assertEquals(UtilityVerdict.DEGRADED, verdict(c.get("esd"), "benign-simple", Settings.DEFAULT));
    }

    @Test
    void sageIsFlaggedTooThoughItLosesLessOnCompositionalPrompts() throws Exception {
        JsonNode c = comparisons();
        // sage loses less on compositional prompts (−0.203 vs des −0.326) and about as much near the concept (−0.358 vs −0.346);
        // both are significant while coarse utility held, so both models are illusions.
        for (String stratum : STRUCTURED) {
            assertEquals(UtilityVerdict.ILLUSION, verdict(c.get("sage"), stratum, Settings.DEFAULT), "sage " + stratum);
        }
        assertEquals(UtilityVerdict.HELD, verdict(c.get("sage"), "benign-simple", Settings.DEFAULT));
        double sage = c.get("sage").get("benign-compositional").get("delta_tifa").asDouble();
        double des = c.get("des").get("benign-compositional").get("delta_tifa").asDouble();
        assertTrue(sage - des > 0.1, "sage " + sage + " vs des " + des);
    }
}
