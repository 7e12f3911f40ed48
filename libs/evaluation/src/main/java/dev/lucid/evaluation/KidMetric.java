package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.ImageFeatures;
import dev.lucid.metrics.fid.KernelInceptionDistance;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.lucid.evaluation.ReportAssembler.est;

/** KID (unbiased MMD², cubic kernel) on the coarse stratum against the baseline's images, where FID is measured. */
final class KidMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        if (FidBaselineMetric.comparable(data)) {
            b.setKid(est(kid(data.table(), data.features(), data.baselineFeatures(), data.featureBootstrap()),
                    data.table().images()));
        }
    }

    /** KID of the drawn prompts' images against all the reference images, with its interval. */
    static ConfidenceInterval kid(PromptTable t, List<ImageFeatures> generated, List<ImageFeatures> reference,
                                  Bootstrap bootstrap) {
        int d = reference.get(0).features().length;
        double[] y = new double[reference.size() * d];
        for (int i = 0; i < reference.size(); i++) {
            for (int k = 0; k < d; k++) {
                y[i * d + k] = reference.get(i).features()[k];
            }
        }
        Map<String, List<float[]>> byPrompt = new HashMap<>();
        generated.forEach(f -> byPrompt.computeIfAbsent(f.promptId(), x -> new ArrayList<>()).add(f.features()));
        List<List<float[]>> units = t.promptIds().stream().map(p -> byPrompt.getOrDefault(p, List.of())).toList();
        int total = units.stream().mapToInt(List::size).sum();
        if (total <= KernelInceptionDistance.Draws.MAX_GENERATED) {
            // Every draw from the kernel sums of the stratum's prompts: a prompt drawn k times counts its images k times.
            double[] x = new double[total * d];
            int[] group = new int[total];
            int r = 0;
            for (int u = 0; u < units.size(); u++) {
                for (float[] f : units.get(u)) {
                    for (int k = 0; k < d; k++) {
                        x[r * d + k] = f[k];
                    }
                    group[r++] = u;
                }
            }
            int groups = units.size();
            KernelInceptionDistance.Draws draws = new KernelInceptionDistance.Draws(x, total, y, reference.size(), d, group, groups);
            return bootstrap.interval(groups, idx -> {
                int[] counts = new int[groups];
                for (int i : idx) {
                    counts[i]++;
                }
                return draws.kid(counts);
            });
        }
        return bootstrap.interval(units.size(), idx -> {
            int n = 0;
            for (int i : idx) {
                n += units.get(i).size();
            }
            double[] x = new double[n * d];
            int r = 0;
            for (int i : idx) {
                for (float[] f : units.get(i)) {
                    for (int k = 0; k < d; k++) {
                        x[r * d + k] = f[k];
                    }
                    r++;
                }
            }
            return n < 2 ? Double.NaN : KernelInceptionDistance.between(x, n, y, reference.size(), d);
        });
    }
}
