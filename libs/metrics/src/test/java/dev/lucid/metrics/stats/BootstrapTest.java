package dev.lucid.metrics.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {
    @Test
    void quantilesInterpolateLinearlyBetweenOrderStatisticsLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.75, Bootstrap.quantile(sorted, 0.25), 1e-15);
        assertEquals(1.0, Bootstrap.quantile(sorted, 0.0), 0);
        assertEquals(4.0, Bootstrap.quantile(sorted, 1.0), 0);
        assertEquals(2.5, Bootstrap.quantile(sorted, 0.5), 1e-15);
    }

    @Test
    void meanOfTwoValuesSpansBothExtremes() {
        // Resampled means of {0, 1} are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5% and 97.5% quantiles are 0 and 1.
        ConfidenceInterval ci = Bootstrap.standard(1).mean(new double[]{0, 1});
        assertEquals(0.5, ci.estimate(), 0);
        assertEquals(0.0, ci.lower(), 0);
        assertEquals(1.0, ci.upper(), 0);
        assertEquals(2, ci.units());
        assertEquals(2000, ci.resamples());
        assertFalse(ci.excludesZero());
    }

    @Test
    void sameSeedSameIntervalOtherSeedOtherDraws() {
        double[] v = new double[50];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i) * 3 + i * 0.01;
        }
        ConfidenceInterval a = Bootstrap.standard(42).mean(v);
        ConfidenceInterval b = Bootstrap.standard(42).mean(v);
        ConfidenceInterval c = Bootstrap.standard(43).mean(v);
        assertEquals(a, b);
        assertEquals(a.estimate(), c.estimate(), 0);
        assertNotEquals(a.lower(), c.lower());
        assertTrue(a.lower() < a.estimate() && a.estimate() < a.upper());
    }

    @Test
    void keptDrawsGiveTheSameIntervalsAsDrawsMadeAgain() {
        double[] v = new double[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.cos(i * 0.7) + i * 0.02;
        }
        Bootstrap keeping = new Bootstrap(5, 500, 0.95);
        Bootstrap notKeeping = new Bootstrap(5, 500, 0.95, 0);
        ConfidenceInterval first = keeping.mean(v);
        // Twice from the kept draws, once from a stream made again, and over another unit count in between.
        keeping.mean(java.util.Arrays.copyOf(v, 17));
        assertEquals(first, keeping.mean(v));
        assertEquals(first, notKeeping.mean(v));
        assertEquals(keeping.mean(java.util.Arrays.copyOf(v, 17)), notKeeping.mean(java.util.Arrays.copyOf(v, 17)));
    }

    @Test
    void pairedDeltaOfAConstantShiftIsExactlyTheShift() {
        double[] base = {0.2, 0.9, 0.4, 0.7};
        double[] model = {0.1, 0.8, 0.3, 0.6};
        ConfidenceInterval ci = Bootstrap.standard(7).pairedMeanDelta(model, base);
        assertEquals(-0.1, ci.estimate(), 1e-15);
        assertEquals(-0.1, ci.lower(), 1e-15);
        assertEquals(-0.1, ci.upper(), 1e-15);
        assertTrue(ci.excludesZero());
    }

    @Test
    void undefinedResamplesAreLeftOutAndCounted() {
        // Statistic undefined when unit 0 is absent from the draw: P(absent) = (1/2)^2 = 1/4 with 2 units.
        ConfidenceInterval ci = new Bootstrap(3, 1000, 0.9).interval(2, idx -> {
            for (int i : idx) {
                if (i == 0) {
                    return 1.0;
                }
            }
            return Double.NaN;
        });
        assertTrue(ci.resamples() > 650 && ci.resamples() < 850, "used " + ci.resamples());
        assertEquals(1.0, ci.lower(), 0);
    }

    @Test
    void refusesBadSettingsAndInputs() {
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1, 1000, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.standard(1).mean(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.standard(1).mean(new double[]{1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.standard(1).pairedMeanDelta(new double[]{1}, new double[]{1, 2}));
    }
}
