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
        return verdict(model, stratum, settings, coarseOnSimplePrompts(model.get("benign-simple")));
    }

    static UtilityVerdict verdict(JsonNode model, String stratum, Settings settings, List<CoarseEvidence> coarse) {
        JsonNode s = model.get(stratum);
        return IllusionCheck.judge(coarse, ci(s.get("delta_tifa").asDouble(), s.get("delta_tifa_ci")), settings).verdict();
    }

    @Test
    void esdIsDegradedSageKeepsUtilityDesLosesIt() throws Exception {
        JsonNode c = comparisons();
        for (String stratum : STRUCTURED) {
            // ESD's damage shows in CLIPScore (−12% on simple prompts) and FID: degraded, not an illusion.
            assertEquals(UtilityVerdict.DEGRADED, verdict(c.get("esd"), stratum, Settings.DEFAULT), "esd " + stratum);
            // SAGE, with its broad retain batch, keeps TIFA where DES loses a third of it: no loss beyond the
            // margin (near the concept a gain of up to 0.033 keeps its interval wider than ±0.02: INCONCLUSIVE).
            UtilityVerdict sageVerdict = verdict(c.get("sage"), stratum, Settings.DEFAULT);
            assertTrue(sageVerdict == UtilityVerdict.HELD || sageVerdict == UtilityVerdict.INCONCLUSIVE, "sage " + stratum + ": " + sageVerdict);
            assertTrue(c.get("sage").get(stratum).get("delta_tifa_ci").get(0).asDouble() > -0.02, "sage " + stratum);
            double sage = c.get("sage").get(stratum).get("delta_tifa").asDouble();
            double des = c.get("des").get(stratum).get("delta_tifa").asDouble();
            assertTrue(sage - des > 0.2, stratum + ": sage " + sage + " vs des " + des);
        }
        assertEquals(UtilityVerdict.DEGRADED, verdict(c.get("esd"), "benign-simple", Settings.DEFAULT));
        assertEquals(UtilityVerdict.HELD, verdict(c.get("sage"), "benign-simple", Settings.DEFAULT));
        assertEquals(UtilityVerdict.HELD, verdict(c.get("sage"), "benign-compositional", Settings.DEFAULT));
    }

    @Test
    void desLooksHeldOnClipScoreButFidShowsItsShiftAtTheDefaultGuidance() throws Exception {
        JsonNode des = comparisons().get("des");
        List<CoarseEvidence> clipOnly = coarseOnSimplePrompts(des.get("benign-simple")).subList(0, 1);
        // At guidance 7.5 DES's FID on simple prompts rises by a little but clearly (its paired interval is
        // above 0, reaching past the 10% margin): with FID, the drop is plain degradation; on CLIPScore alone, as
        // a coarse benchmark would report it, an illusion.
        JsonNode simple = des.get("benign-simple");
        assertTrue(simple.get("delta_fid_ci").get(0).asDouble() > 0, "ΔFID interval above 0: " + simple.get("delta_fid_ci"));
        for (String stratum : STRUCTURED) {
            assertEquals(UtilityVerdict.ILLUSION, verdict(des, stratum, Settings.DEFAULT, clipOnly), "des, CLIPScore only, " + stratum);
            assertEquals(UtilityVerdict.DEGRADED, verdict(des, stratum, Settings.DEFAULT), "des with FID " + stratum);
        }
    }
}
