package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.ImageMean;
import dev.lucid.metrics.stats.ConfidenceInterval;

import static dev.lucid.evaluation.ReportAssembler.est;

/** Mean CLIPScore over images, and its paired delta against the baseline (coarse evidence of the verdict). */
final class ClipScoreMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        PromptTable t = data.table();
        ImageMean clip = ImageMean.clipScores(StratumData.values(t, ItemResult::clipScore));
        b.setClipScore(est(clip.mean(data.bootstrap()), t.images()));
        if (data.paired()) {
            ImageMean baseClip = ImageMean.clipScores(StratumData.values(data.baseline(), ItemResult::clipScore));
            ConfidenceInterval delta = clip.pairedDelta(baseClip, data.bootstrap());
            b.setClipDelta(est(delta, t.prompts()));
            evidence.clipDelta = delta;
            evidence.clipBaseline = baseClip.mean(data.bootstrap()).estimate();
        }
    }
}
