package dev.lucid.metrics;

import dev.lucid.metrics.IllusionCheck.CoarseEvidence;
import dev.lucid.metrics.IllusionCheck.Settings;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IllusionCheckTest {
    static ConfidenceInterval ci(double est, double lo, double hi) {
        return new ConfidenceInterval(est, lo, hi, 0.95, 1000, 2000);
    }

    static CoarseEvidence clip(double baseline, double est, double lo, double hi) {
        return new CoarseEvidence("CLIPScore", baseline, ci(est, lo, hi), true, EquivalenceMargin.CLIPSCORE_DEFAULT);
    }

    static CoarseEvidence fid(double baseline, double est, double lo, double hi) {
        return new CoarseEvidence("FID", baseline, ci(est, lo, hi), false, EquivalenceMargin.FID_DEFAULT);
    }

    @Test
    void thePapersDesRowIsAnIllusionAndAdvUnlearnIsDegraded() {
        // Table 2 (SD 1.4 base CLIPScore 26.5, FID 17.23, TIFA 76.3) with tight CIs around the reported deltas.
        IllusionCheck.Verdict des = IllusionCheck.judge(List.of(clip(26.5, -1.0, -1.2, -0.8), fid(17.23, -1.0, -1.4, -0.6)),
                ci(-0.047, -0.055, -0.039), Settings.DEFAULT);
        assertEquals(UtilityVerdict.ILLUSION, des.verdict());
        assertEquals("TIFA Δ -0.047 [-0.055, -0.039] (1000 prompts) is significantly lower while coarse utility held: "
                + "CLIPScore Δ -1.000 [-1.200, -0.8000] vs margin 1.325 (5.00% of the baseline of 26.50); "
                + "FID Δ -1.000 [-1.400, -0.6000] vs margin 1.723 (10.0% of the baseline of 17.23)", des.reason());
        IllusionCheck.Verdict adv = IllusionCheck.judge(List.of(clip(26.5, -2.6, -2.8, -2.4), fid(17.23, 3.44, 3.0, 3.9)),
                ci(-0.132, -0.14, -0.124), Settings.DEFAULT);
        assertEquals(UtilityVerdict.DEGRADED, adv.verdict());
        assertTrue(adv.reason().contains("coarse metrics show it: CLIPScore"), adv.reason());
    }

    @Test
    void coarseMetricsHoldWhenTheirWorseSideBoundStaysInsideTheMargin() {
        assertTrue(clip(26.5, -1.0, -1.325, 0.5).held());
        assertFalse(clip(26.5, -1.0, -1.33, 0.5).held());
        assertTrue(fid(17.23, 0.0, -5, 1.723).held());
        assertFalse(fid(17.23, 0.0, -5, 1.73).held());
    }

    @Test
    void heldImprovedInconclusiveAndMaterialDrop() {
        List<CoarseEvidence> coarseHeld = List.of(clip(26.5, 0, -0.3, 0.3));
        assertEquals(UtilityVerdict.HELD, IllusionCheck.judge(coarseHeld, ci(-0.005, -0.019, 0.005), Settings.DEFAULT).verdict());
        assertEquals(UtilityVerdict.IMPROVED, IllusionCheck.judge(coarseHeld, ci(0.03, 0.01, 0.05), Settings.DEFAULT).verdict());
        IllusionCheck.Verdict wide = IllusionCheck.judge(coarseHeld, ci(-0.01, -0.05, 0.03), Settings.DEFAULT);
        assertEquals(UtilityVerdict.INCONCLUSIVE, wide.verdict());
        assertEquals("TIFA Δ -0.010 [-0.050, +0.030] (1000 prompts) contains 0 but is wider than ±0.020: more prompts needed",
                wide.reason());
        assertEquals(UtilityVerdict.INCONCLUSIVE, IllusionCheck.judge(coarseHeld, null, Settings.DEFAULT).verdict());
        // A significant drop smaller than the material drop is DEGRADED, not ILLUSION.
        Settings material = new Settings(0.02, 0.10);
        assertEquals(UtilityVerdict.DEGRADED, IllusionCheck.judge(coarseHeld, ci(-0.079, -0.123, -0.037), material).verdict());
        assertEquals(UtilityVerdict.ILLUSION, IllusionCheck.judge(coarseHeld, ci(-0.219, -0.289, -0.152), material).verdict());
        assertEquals(UtilityVerdict.DEGRADED, IllusionCheck.judge(List.of(), ci(-0.2, -0.3, -0.1), Settings.DEFAULT).verdict());
    }
}
