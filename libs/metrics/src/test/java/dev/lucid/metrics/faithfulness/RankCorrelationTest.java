package dev.lucid.metrics.faithfulness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankCorrelationTest {
    @Test
    void spearmanMatchesScipysDocumentedExample() {
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) -> 0.8207826816681233 (ties in y)
        assertEquals(0.8207826816681233, RankCorrelation.spearman(new double[]{1, 2, 3, 4, 5}, new double[]{5, 6, 7, 8, 7}), 1e-12);
    }

    @Test
    void kendallTauBMatchesScipysDocumentedExample() {
        // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> -0.47140452079103173 (ties in both)
        assertEquals(-0.47140452079103173,
                RankCorrelation.kendallTauB(new double[]{12, 2, 1, 12, 2}, new double[]{1, 4, 7, 1, 0}), 1e-12);
    }

    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, RankCorrelation.averageRanks(new double[]{0.1, 0.5, 0.5, 0.9}));
    }

    @Test
    void perfectOrdersGiveOneAndMinusOne() {
        double[] x = {1, 2, 3, 4};
        assertEquals(1.0, RankCorrelation.kendallTauB(x, new double[]{10, 20, 30, 40}), 1e-15);
        assertEquals(-1.0, RankCorrelation.spearman(x, new double[]{4, 3, 2, 1}), 1e-15);
    }

    @Test
    void constantSamplesAreUndefinedAndBadInputIsRefused() {
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[]{1, 1, 1}, new double[]{1, 2, 3})));
        assertTrue(Double.isNaN(RankCorrelation.kendallTauB(new double[]{1, 2, 3}, new double[]{5, 5, 5})));
        assertThrows(IllegalArgumentException.class, () -> RankCorrelation.spearman(new double[]{1, 2}, new double[]{1}));
        assertThrows(IllegalArgumentException.class, () -> RankCorrelation.spearman(new double[]{1}, new double[]{1}));
        assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.kendallTauB(new double[]{1, Double.NaN}, new double[]{1, 2}));
    }
}
