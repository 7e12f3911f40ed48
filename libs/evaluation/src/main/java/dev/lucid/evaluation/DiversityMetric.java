package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.Diversity;

import static dev.lucid.evaluation.ReportAssembler.est;

/** Mean pairwise feature distance across the seeds of a prompt. */
final class DiversityMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        Diversity diversity = data.features().isEmpty() ? null : Diversity.of(data.features());
        if (diversity != null && diversity.prompts() > 0) {
            b.setDiversity(est(diversity.mean(data.bootstrap()), diversity.prompts()));
        }
    }
}
