package dev.lucid.metrics;

/** What happened to a model's utility against the baseline on one stratum. */
public enum UtilityVerdict {
    /** Coarse utility held (within its margin) while structured utility fell significantly: the illusion. */
    ILLUSION,
    /** Structured utility fell and the coarse metrics do not hide it (or it fell by less than the material drop). */
    DEGRADED,
    /** Structured utility is equivalent to the baseline's (paired CI within ± the structured margin). */
    HELD,
    /** Structured utility is significantly higher than the baseline's. */
    IMPROVED,
    /** Not enough evidence either way (no structured metric, or a CI too wide to decide). */
    INCONCLUSIVE
}
