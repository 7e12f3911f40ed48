package dev.lucid.report.svg;

import java.util.ArrayList;
import java.util.List;

/** Maps a data interval onto a pixel interval, with "nice" bounds and ticks (1, 2, 5 × 10^k steps). */
public record LinearScale(double domainLow, double domainHigh, double rangeLow, double rangeHigh, double step) {
    public LinearScale {
        if (!(domainHigh > domainLow) || !Double.isFinite(domainLow) || !Double.isFinite(domainHigh)) {
            throw new IllegalArgumentException("scale domain must be finite and non-empty: [" + domainLow + ", " + domainHigh + "]");
        }
    }

    /** A scale whose domain covers [min, max] extended to multiples of a nice step with about {@code ticks} ticks. */
    public static LinearScale nice(double min, double max, double rangeLow, double rangeHigh, int ticks) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-12) {
            // One value: give it room on both sides so it does not sit on the frame.
            double pad = Math.abs(max) > 1e-12 ? Math.abs(max) * 0.1 : 1;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, ticks));
        double low = Math.floor(min / step + 1e-9) * step;
        double high = Math.ceil(max / step - 1e-9) * step;
        return new LinearScale(low, high, rangeLow, rangeHigh, step);
    }

    /** A scale with a fixed domain (e.g. 0–1 for rates) and a nice tick step. */
    public static LinearScale fixed(double low, double high, double rangeLow, double rangeHigh, int ticks) {
        return new LinearScale(low, high, rangeLow, rangeHigh, niceStep((high - low) / Math.max(1, ticks)));
    }

    /** The pixel position of a value (values outside the domain map outside the range). */
    public double map(double v) {
        return rangeLow + (v - domainLow) / (domainHigh - domainLow) * (rangeHigh - rangeLow);
    }

    /** The pixel position of a value clamped into the domain. */
    public double mapClamped(double v) {
        return map(Math.max(domainLow, Math.min(domainHigh, v)));
    }

    /** Tick values: multiples of the step inside the domain. */
    public List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        long first = (long) Math.ceil(domainLow / step - 1e-9);
        for (long i = first; i * step <= domainHigh + step * 1e-9 && out.size() < 50; i++) {
            double v = i * step;
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return out;
    }

    /** Decimals that tell the ticks apart. */
    public int tickDecimals() {
        return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }

    /** The smallest of 1, 2, 5 × 10^k that is at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0) || !Double.isFinite(rough)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / magnitude;
        double nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
        return nice * magnitude;
    }
}
