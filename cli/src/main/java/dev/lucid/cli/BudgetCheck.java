package dev.lucid.cli;

import dev.lucid.api.v1.Estimate;

/**
 * One check of a release gate: a model, what was checked (with its stratum), the measured estimate (null when
 * the check is not a number, or when the report lacks it), the limit in words and the outcome.
 *
 * @param verdict the value of a check that is not a number (a verdict); empty otherwise
 * @param note    what else the reader needs: where the illusion is, why a check had nothing to check; may be empty
 */
public record BudgetCheck(String model, String check, Estimate estimate, String verdict, String limit, Outcome outcome,
                          String note) {
    /** How a check came out. */
    public enum Outcome {
        /** Within the limit. */
        PASS,
        /** Outside it, or the report lacks what it needs. */
        FAIL,
        /** The report carries no such metric at all (e.g. DSG in a report without it): not counted. */
        SKIP
    }

    /** The estimate's value, else the verdict, else {@code -}. */
    public String value() {
        return estimate != null ? num(estimate.getValue()) : verdict.isEmpty() ? "-" : verdict;
    }

    /** The 95% interval as {@code [low, high]}, empty when there is no estimate. */
    public String interval() {
        return estimate == null ? "" : "[" + num(estimate.getLow()) + ", " + num(estimate.getHigh()) + "]";
    }

    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(java.util.Locale.ROOT, Math.abs(v) >= 100 ? "%.2f" : "%.4f", v);
    }

    /** Column layout of {@link #line()}: model, check, value, interval, limit, outcome. */
    static final String COLUMNS = "%-16s %-40s %-10s %-20s %-18s %s";

    /** The check as one printed line: model, check, value, interval, limit, outcome (and the note, if any). */
    public String line() {
        return String.format(java.util.Locale.ROOT, COLUMNS, model, check, value(), interval(), limit, outcome)
                + (note.isEmpty() ? "" : "  " + note);
    }
}
