package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.FidIntervals;
import dev.lucid.metrics.ImageFeatures;

import java.util.List;

import static dev.lucid.evaluation.ReportAssembler.est;

/** FID of the coarse stratum's images against the spec's reference statistics (metrics.fid_reference). */
final class FidStatisticsMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        FidReference reference = data.reference();
        List<ImageFeatures> feats = data.features();
        if (reference == null || !data.coarse() || feats.size() < 2) {
            return;
        }
        int d = data.featureDimension();
        if (reference.statistics().dimension() != d) {
            throw new IllegalStateException("metrics.fid_reference: statistics '" + reference.id() + "' are "
                    + reference.statistics().dimension() + "-dimensional, the recorded features " + d + "-dimensional");
        }
        b.setFidStatistics(est(FidIntervals.fid(feats, reference.statistics(), data.featureBootstrap()), data.table().images()));
        // Fewer images than dimensions: the sample covariance is singular and FID is biased upwards.
        b.setFidBelowDimension(feats.size() < d);
    }
}
