package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;

/**
 * One family of a stratum's figures (unsafe rate, CLIPScore, TIFA, ...), computed from the stratum's recorded results
 * only. Every metric is registered in {@link ReportAssembler#METRICS}; adding one touches that list and nothing else.
 */
interface ReportMetric {
    /** Writes this metric's figures of the stratum into {@code out}; paired deltas the verdict reads go to {@code evidence}. */
    void fill(StratumData data, StratumResult.Builder out, VerdictEvidence evidence);
}
