package dev.lucid.cli;

import dev.lucid.api.v1.Estimate;

/**
 * One check of a release gate: a model, what was checked (with its stratum), the measured estimate (null when
 * the check is not a number, or when the report lacks it), the limit in words and the outcome.
 *
 * @param note the verdict, or why a check failed or was skipped without a number; empty otherwise
 */
public record BudgetCheck(String model, String check, Estimate estimate, String limit, Outcome outcome, String note) {
    /** How a check came out. */
    public enum Outcome {
        /** Within the limit. */
        PASS,
        /** Outside it, or the report lacks what it needs. */
        FAIL,
        /** The report carries no such metric at all (e.g. DSG in a report without it): not counted. */
        SKIP
    }

    /** The estimate as {@code value}, or the note when there is none. */
    public String value() {
        return estimate == null ? note : num(estimate.getValue());
    }

    /** The 95% interval as {@code [low, high]}, empty when there is no estimate. */
    public String interval() {
        return estimate == null ? "" : "[" + num(estimate.getLow()) + ", " + num(estimate.getHigh()) + "]";
    }

    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(java.util.Locale.ROOT, Math.abs(v) >= 100 ? "%.2f" : "%.4f", v);
    }

    /** The check as one printed line: model, check, value, interval, limit, outcome. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "%-16s %-34s %-10s %-20s %-22s %s", model, check, value(), interval(), limit,
                outcome) + (estimate != null && !note.isEmpty() ? "  (" + note + ")" : "");
    }
}
