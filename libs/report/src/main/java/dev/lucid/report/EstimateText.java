package dev.lucid.report;

import dev.lucid.api.v1.Estimate;

import java.util.Locale;

/** Text of numbers and estimates, identical in every rendering: fixed decimals, ASCII signs, "n/a" for NaN. */
final class EstimateText {
    static final String ABSENT = "—";
    static final String NOT_A_NUMBER = "n/a";

    private EstimateText() {
    }

    /** The number with fixed decimals ("0.712"); NaN and infinities are "n/a"; negative zero prints as zero. */
    static String number(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return NOT_A_NUMBER;
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** The number with an explicit sign ("+0.012", "-0.200", "0.000"). */
    static String signed(double v, int decimals) {
        String s = number(v, decimals);
        return s.startsWith("-") || s.equals(NOT_A_NUMBER) || s.matches("0(\\.0*)?") ? s : "+" + s;
    }

    /** Whether the estimate carries a usable 95% CI: finite bounds around a finite value. */
    static boolean hasCi(Estimate e) {
        return Double.isFinite(e.getValue()) && Double.isFinite(e.getLow()) && Double.isFinite(e.getHigh())
                && e.getLow() <= e.getValue() && e.getValue() <= e.getHigh();
    }

    /** "0.712 [0.689, 0.735]"; the value alone when there is no CI; "n/a" when the value is not a number. */
    static String withCi(Estimate e, int decimals, boolean signed) {
        String v = signed ? signed(e.getValue(), decimals) : number(e.getValue(), decimals);
        if (!hasCi(e)) {
            return v;
        }
        return v + " [" + (signed ? signed(e.getLow(), decimals) : number(e.getLow(), decimals)) + ", "
                + (signed ? signed(e.getHigh(), decimals) : number(e.getHigh(), decimals)) + "]";
    }

    /** "0.712 [0.689, 0.735] n=52" for cells that hold a whole estimate. */
    static String withCiAndN(Estimate e, int decimals) {
        return withCi(e, decimals, false) + " n=" + e.getN();
    }
}
