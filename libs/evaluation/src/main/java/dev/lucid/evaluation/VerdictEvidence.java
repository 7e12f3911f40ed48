package dev.lucid.evaluation;

import dev.lucid.metrics.stats.ConfidenceInterval;

/** The paired intervals of one model × stratum that the illusion verdict reads (null when not measured). */
final class VerdictEvidence {
    /** CLIPScore delta against the baseline. */
    ConfidenceInterval clipDelta;
    /** The baseline's mean CLIPScore (NaN when not paired). */
    double clipBaseline = Double.NaN;
    /** TIFA delta against the baseline. */
    ConfidenceInterval tifaDelta;
    /** DSG delta against the baseline. */
    ConfidenceInterval dsgDelta;
}
