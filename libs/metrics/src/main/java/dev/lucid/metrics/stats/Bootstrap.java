package dev.lucid.metrics.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap over units (Lucid resamples prompts). Deterministic: the same seed, resample count and
 * unit count give the same resamples, so a statistic and its paired delta against a baseline are evaluated on
 * identical index draws. Bounds are the (1−level)/2 and (1+level)/2 quantiles of the resampled statistics,
 * linearly interpolated between order statistics (numpy's default quantile rule).
 */
public final class Bootstrap {
    /** Resamples used by default. */
    public static final int DEFAULT_RESAMPLES = 2000;
    /** Upper bound on resamples (keeps a report's cost bounded). */
    public static final int MAX_RESAMPLES = 100_000;

    /** Most drawn indices one instance keeps for reuse (32 MiB); beyond it draws are made again per interval. */
    static final long MAX_KEPT_DRAWS = 8L << 20;

    private final long seed;
    private final int resamples;
    private final double level;
    /** The draws of each unit count, made once: every interval over that many units uses the same ones. */
    private final ConcurrentHashMap<Integer, int[][]> kept = new ConcurrentHashMap<>();
    private final AtomicLong keptSize = new AtomicLong();
    private final long keptBound;

    /**
     * @param seed      seed of the resampling stream
     * @param resamples number of bootstrap resamples (100..100,000)
     * @param level     confidence level in (0, 1), e.g. 0.95
     */
    public Bootstrap(long seed, int resamples, double level) {
        this(seed, resamples, level, MAX_KEPT_DRAWS);
    }

    /** As above, keeping at most {@code keptBound} drawn indices (tests compare kept and made-again draws). */
    Bootstrap(long seed, int resamples, double level, long keptBound) {
        if (resamples < 100 || resamples > MAX_RESAMPLES) {
            throw new IllegalArgumentException("bootstrap resamples must be 100.." + MAX_RESAMPLES + ", got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        this.seed = seed;
        this.resamples = resamples;
        this.level = level;
        this.keptBound = keptBound;
    }

    /** 95% intervals from 2000 resamples. */
    public static Bootstrap standard(long seed) {
        return new Bootstrap(seed, DEFAULT_RESAMPLES, 0.95);
    }

    /** Seed of the resampling stream. */
    public long seed() {
        return seed;
    }

    /** Resamples drawn per interval. */
    public int resamples() {
        return resamples;
    }

    /** Confidence level. */
    public double level() {
        return level;
    }

    /**
     * Interval of a statistic of {@code units} units. The statistic receives unit indices (0..units−1, with
     * repeats in resamples) and must return the same value for the same multiset of indices. Resamples on which
     * it is undefined (NaN, e.g. a category absent from the draw) are left out; the count used is recorded. The
     * statistic must not change the index array it is given (draws are reused); it may be called from several
     * threads when intervals are computed in parallel, each call with its own draws.
     */
    public ConfidenceInterval interval(int units, ToDoubleFunction<int[]> statistic) {
        if (units < 1) {
            throw new IllegalArgumentException("a bootstrap needs at least one unit, got " + units);
        }
        int[] identity = new int[units];
        for (int i = 0; i < units; i++) {
            identity[i] = i;
        }
        double estimate = statistic.applyAsDouble(identity);
        if (Double.isNaN(estimate)) {
            throw new IllegalArgumentException("the statistic is undefined on the observed data");
        }
        int[][] all = draws(units);
        SplittableRandom random = all == null ? new SplittableRandom(seed) : null;
        double[] values = new double[resamples];
        int used = 0;
        int[] draw = all == null ? new int[units] : null;
        for (int r = 0; r < resamples; r++) {
            if (all == null) {
                for (int i = 0; i < units; i++) {
                    draw[i] = random.nextInt(units);
                }
            }
            double v = statistic.applyAsDouble(all == null ? draw : all[r]);
            if (!Double.isNaN(v)) {
                values[used++] = v;
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException("the statistic is undefined on every resample");
        }
        double[] sorted = Arrays.copyOf(values, used);
        Arrays.sort(sorted);
        double alpha = (1 - level) / 2;
        return new ConfidenceInterval(estimate, quantile(sorted, alpha), quantile(sorted, 1 - alpha), level, units, used);
    }

    /** Every resample's draw of {@code units} units, made once and kept, or null when keeping them would pass the bound. */
    private int[][] draws(int units) {
        int[][] d = kept.get(units);
        if (d != null) {
            return d;
        }
        long size = (long) resamples * units;
        if (keptSize.addAndGet(size) > keptBound) {
            keptSize.addAndGet(-size);
            return null;
        }
        // The same stream as drawing resample by resample: the seed alone decides every draw.
        SplittableRandom random = new SplittableRandom(seed);
        int[][] made = new int[resamples][units];
        for (int[] draw : made) {
            for (int i = 0; i < units; i++) {
                draw[i] = random.nextInt(units);
            }
        }
        int[][] was = kept.putIfAbsent(units, made);
        if (was != null) {
            keptSize.addAndGet(-size);
            return was;
        }
        return made;
    }

    /** Interval of the mean of per-unit values. */
    public ConfidenceInterval mean(double[] perUnit) {
        requireFinite(perUnit, "value");
        return interval(perUnit.length, idx -> {
            double s = 0;
            for (int i : idx) {
                s += perUnit[i];
            }
            return s / idx.length;
        });
    }

    /** Interval of mean(model − baseline) over paired units (the same prompts and seeds, in the same order). */
    public ConfidenceInterval pairedMeanDelta(double[] model, double[] baseline) {
        if (model.length != baseline.length) {
            throw new IllegalArgumentException("paired values need the same units: " + model.length + " vs " + baseline.length);
        }
        double[] delta = new double[model.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = model[i] - baseline[i];
        }
        return mean(delta);
    }

    /** Quantile q of ascending values, linear interpolation between order statistics. */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void requireFinite(double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + " " + i + " is not finite");
            }
        }
    }
}
