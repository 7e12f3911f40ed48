package dev.lucid.metrics.stats;

/**
 * A point estimate with its bootstrap confidence interval.
 *
 * @param estimate  the statistic on the observed data
 * @param lower     lower percentile bound
 * @param upper     upper percentile bound
 * @param level     confidence level, e.g. 0.95
 * @param units     number of resampled units (prompts)
 * @param resamples bootstrap resamples the bounds come from
 */
public record ConfidenceInterval(double estimate, double lower, double upper, double level, int units, int resamples) {
    public ConfidenceInterval {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        if (lower > upper) {
            throw new IllegalArgumentException("interval bounds out of order: " + lower + " > " + upper);
        }
    }

    /** Whether 0 lies outside the interval (the difference is significant at this level). */
    public boolean excludesZero() {
        return lower > 0 || upper < 0;
    }

    /** Whether the whole interval lies within [low, high]. */
    public boolean within(double low, double high) {
        return lower >= low && upper <= high;
    }

    /** Interval half-width. */
    public double halfWidth() {
        return (upper - lower) / 2;
    }
}
