package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.FidIntervals;
import dev.lucid.metrics.ImageFeatures;
import dev.lucid.metrics.fid.FeatureMoments;

import java.util.List;

import static dev.lucid.evaluation.ReportAssembler.est;

/**
 * FID on the coarse stratum only, as the field measures it (on COCO-like captions), against the baseline's images of
 * the same prompts as the reference.
 */
final class FidBaselineMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        if (!comparable(data)) {
            return;
        }
        List<ImageFeatures> feats = data.features();
        List<ImageFeatures> baseFeats = data.baselineFeatures();
        int d = data.featureDimension();
        FeatureMoments ref = new FeatureMoments(d);
        ref.add(baseFeats.stream().map(ImageFeatures::features).toArray(float[][]::new));
        b.setFid(est(FidIntervals.fid(feats, ref.statistics("baseline:" + data.stratum()), data.featureBootstrap()),
                data.table().images()));
        b.setFidBelowDimension(feats.size() < d || baseFeats.size() < d);
    }

    /** Whether the stratum and the baseline both have at least two images with features of the same length. */
    static boolean comparable(StratumData data) {
        List<ImageFeatures> feats = data.features();
        List<ImageFeatures> baseFeats = data.baselineFeatures();
        return !feats.isEmpty() && baseFeats.size() >= 2 && feats.size() >= 2
                && baseFeats.get(0).features().length == feats.get(0).features().length;
    }
}
