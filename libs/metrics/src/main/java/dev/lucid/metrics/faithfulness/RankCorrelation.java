package dev.lucid.metrics.faithfulness;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Rank correlations of paired samples, as scipy computes them: Spearman's rho is Pearson's r of the average ranks
 * (ties share the mean of their ranks); Kendall's tau-b is (concordant − discordant) / sqrt((n0 − tx)(n0 − ty)),
 * where n0 = n(n−1)/2 and tx, ty count pairs tied in x or in y. Both are NaN when either sample is constant.
 */
public final class RankCorrelation {
    /** Most pairs accepted (Kendall here is quadratic in n). */
    public static final int MAX_PAIRS = 50_000;

    private RankCorrelation() {
    }

    /** Spearman's rank correlation. */
    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /** Kendall's tau-b (ties handled). */
    public static double kendallTauB(double[] x, double[] y) {
        check(x, y);
        int n = x.length;
        long concordant = 0;
        long discordant = 0;
        long tiedX = 0;
        long tiedY = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int sx = Double.compare(x[i], x[j]);
                int sy = Double.compare(y[i], y[j]);
                if (sx == 0) {
                    tiedX++;
                }
                if (sy == 0) {
                    tiedY++;
                }
                if (sx != 0 && sy != 0) {
                    if (sx == sy) {
                        concordant++;
                    } else {
                        discordant++;
                    }
                }
            }
        }
        long n0 = (long) n * (n - 1) / 2;
        double denominator = Math.sqrt((double) (n0 - tiedX) * (double) (n0 - tiedY));
        return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
    }

    /** 1-based ranks, ties given the mean of the ranks they span. */
    static double[] averageRanks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] ranks = new double[v.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples differ in length: " + x.length + " vs " + y.length);
        }
        if (x.length < 2 || x.length > MAX_PAIRS) {
            throw new IllegalArgumentException("rank correlation needs 2.." + MAX_PAIRS + " pairs, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("pair " + i + " is not finite");
            }
        }
    }
}
