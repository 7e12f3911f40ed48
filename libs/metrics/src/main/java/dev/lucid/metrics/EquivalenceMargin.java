package dev.lucid.metrics;

/**
 * How far a coarse metric may move against the baseline and still count as "held": an absolute amount, or a
 * fraction of the baseline's value.
 *
 * <p>Defaults, from the paper's Table 2 (SD 1.4 base: CLIPScore 26.5, FID 17.23): CLIPScore 5% relative
 * (1.3 points at 26.5, so DES/SLD at −1.0 and RECE at −0.5 count as held, STEREO at −1.9 and AdvUnlearn at
 * −2.6 do not); FID 10% relative (1.7 at 17.2: DES, SAGE and RECE held, SLD +4.6 and STEREO +4.5 not).
 *
 * @param amount   the margin: an absolute amount, or a fraction when relative
 * @param relative whether amount is a fraction of the baseline value
 */
public record EquivalenceMargin(double amount, boolean relative) {
    /** CLIPScore: 5% of the baseline. */
    public static final EquivalenceMargin CLIPSCORE_DEFAULT = new EquivalenceMargin(0.05, true);
    /** FID: 10% of the baseline. */
    public static final EquivalenceMargin FID_DEFAULT = new EquivalenceMargin(0.10, true);

    public EquivalenceMargin {
        if (!(amount > 0) || !Double.isFinite(amount) || (relative && amount >= 1)) {
            throw new IllegalArgumentException("margin must be positive (and below 1 when relative), got " + amount);
        }
    }

    /** The margin in the metric's own units for a given baseline value. */
    public double absoluteFor(double baseline) {
        return relative ? amount * Math.abs(baseline) : amount;
    }

    @Override
    public String toString() {
        return relative ? String.format(java.util.Locale.ROOT, "%.3g%% of the baseline", amount * 100)
                : String.format(java.util.Locale.ROOT, "%.4g", amount);
    }
}
