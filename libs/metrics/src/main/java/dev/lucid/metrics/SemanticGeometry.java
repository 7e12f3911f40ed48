package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.Arrays;

/**
 * Semantic-collapse diagnostics of a text encoder on a prompt set (the paper's §2.1), from prompt embeddings
 * (one row per prompt, e.g. the flattened token states), ℓ2-normalised here:
 * spread S = 1/(B−1)·Σ‖zᵢ − z̄‖², spread ratio R_s = S_aligned / S_base, and Jaccard@K of each prompt's top-K
 * cosine neighbours (itself excluded, ties to the lower index) under base vs aligned embeddings, averaged.
 * Rows of the two encoders must describe the same prompts in the same order. Intervals resample prompts.
 */
public final class SemanticGeometry {
    /** The paper's K. */
    public static final int DEFAULT_K = 5;
    /** Most prompts accepted (Gram matrices are B×B). */
    public static final int MAX_PROMPTS = 20_000;

    private final double[] baseGram;
    private final double[] alignedGram;
    private final int prompts;

    /**
     * One encoder's cosine Gram matrix over a prompt set (row-major B×B), computed once and shared by every comparison
     * that uses the encoder.
     */
    public record CosineGram(int prompts, double[] values) {
        public CosineGram {
            if (prompts < 2 || prompts > MAX_PROMPTS || values.length != (long) prompts * prompts) {
                throw new IllegalArgumentException("a Gram matrix of 2.." + MAX_PROMPTS + " prompts needs prompts² values, got "
                        + prompts + " prompts and " + values.length + " values");
            }
        }

        /** The Gram matrix of ℓ2-normalised embeddings; {@code which} names the encoder in errors. */
        public static CosineGram of(float[][] embeddings, String which) {
            return new CosineGram(embeddings.length, cosineGram(embeddings, which));
        }
    }

    /** Embeddings of the same prompts under the base and the aligned encoder. */
    public SemanticGeometry(float[][] base, float[][] aligned) {
        this(sameCount(base, aligned), CosineGram.of(aligned, "aligned"));
    }

    /** The Gram matrices of the same prompts under the base and the aligned encoder. */
    public SemanticGeometry(CosineGram base, CosineGram aligned) {
        if (base.prompts() != aligned.prompts()) {
            throw new IllegalArgumentException("base and aligned embeddings must cover the same prompts: " + base.prompts()
                    + " vs " + aligned.prompts() + " rows");
        }
        this.prompts = base.prompts();
        this.baseGram = base.values();
        this.alignedGram = aligned.values();
    }

    private static CosineGram sameCount(float[][] base, float[][] aligned) {
        if (base.length != aligned.length) {
            throw new IllegalArgumentException("base and aligned embeddings must cover the same prompts: " + base.length
                    + " vs " + aligned.length + " rows");
        }
        if (base.length < 2 || base.length > MAX_PROMPTS) {
            throw new IllegalArgumentException("geometry needs 2.." + MAX_PROMPTS + " prompts, got " + base.length);
        }
        return CosineGram.of(base, "base");
    }

    /** Spread S of one encoder's embeddings. */
    public static double spread(float[][] embeddings) {
        double[] g = cosineGram(embeddings, "embeddings");
        int n = embeddings.length;
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return spreadsOver(all, n, g)[0];
    }

    /** Number of prompts. */
    public int prompts() {
        return prompts;
    }

    /** Spread ratio R_s = S_aligned / S_base with its interval. */
    public ConfidenceInterval spreadRatio(Bootstrap bootstrap) {
        return bootstrap.interval(prompts, idx -> {
            if (alignedGram == baseGram) {
                // One encoder shared by both (e.g. a model that only changes guidance): S/S on every draw.
                return spreadsOver(idx, prompts, baseGram)[0] == 0 ? Double.NaN : 1.0;
            }
            double[] both = spreadsOver(idx, prompts, baseGram, alignedGram);
            return both[0] == 0 ? Double.NaN : both[1] / both[0];
        });
    }

    /** Each prompt's Jaccard overlap of its top-K neighbours, base vs aligned. */
    public double[] jaccardPerPrompt(int k) {
        if (k < 1 || k >= prompts) {
            throw new IllegalArgumentException("K must be 1.." + (prompts - 1) + " for " + prompts + " prompts, got " + k);
        }
        double[] j = new double[prompts];
        for (int i = 0; i < prompts; i++) {
            int[] a = topK(baseGram, i, k);
            int[] b = topK(alignedGram, i, k);
            int common = 0;
            for (int x : a) {
                for (int y : b) {
                    if (x == y) {
                        common++;
                    }
                }
            }
            j[i] = common / (double) (2 * k - common);
        }
        return j;
    }

    /** Mean Jaccard@K over prompts with its interval (neighbours found among all prompts, then prompts resampled). */
    public ConfidenceInterval jaccard(int k, Bootstrap bootstrap) {
        return bootstrap.mean(jaccardPerPrompt(k));
    }

    /**
     * S over the drawn rows of each Gram matrix, summed over the distinct drawn prompts only: with unit vectors,
     * Σ‖zᵢ − z̄‖² = B − (1/B)·Σₐ Σ_b G[a][b].
     */
    static double[] spreadsOver(int[] idx, int n, double[]... grams) {
        int b = idx.length;
        double[] out = new double[grams.length];
        if (b < 2) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        int[] counts = new int[n];
        for (int i : idx) {
            counts[i]++;
        }
        int[] drawn = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (counts[i] != 0) {
                drawn[m++] = i;
            }
        }
        // G is symmetric: each pair of distinct drawn prompts once, doubled, plus the diagonal.
        double[] total = new double[grams.length];
        for (int g = 0; g < grams.length; g++) {
            double[] gram = grams[g];
            double sum = 0;
            for (int a = 0; a < m; a++) {
                int i = drawn[a];
                int off = i * n;
                double row = 0;
                for (int c = 0; c < a; c++) {
                    int j = drawn[c];
                    row += counts[j] * gram[off + j];
                }
                sum += counts[i] * (2 * row + counts[i] * gram[off + i]);
            }
            total[g] = sum;
        }
        for (int g = 0; g < grams.length; g++) {
            out[g] = Math.max(0, b - total[g] / b) / (b - 1);
        }
        return out;
    }

    /** Indices of the k largest cosines in row i, excluding i; ties go to the lower index. */
    private int[] topK(double[] gram, int i, int k) {
        int n = prompts;
        int[] best = new int[k];
        double[] bestValue = new double[k];
        Arrays.fill(bestValue, Double.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int j = 0; j < n; j++) {
            if (j == i) {
                continue;
            }
            double v = gram[i * n + j];
            if (v <= bestValue[k - 1]) {
                continue;
            }
            int pos = k - 1;
            while (pos > 0 && v > bestValue[pos - 1]) {
                bestValue[pos] = bestValue[pos - 1];
                best[pos] = best[pos - 1];
                pos--;
            }
            bestValue[pos] = v;
            best[pos] = j;
        }
        return best;
    }

    /** Cosine Gram matrix (row-major n×n) of ℓ2-normalised rows, via BLAS in column chunks. */
    private static double[] cosineGram(float[][] rows, String which) {
        int n = rows.length;
        if (n < 2 || n > MAX_PROMPTS) {
            throw new IllegalArgumentException(which + ": geometry needs 2.." + MAX_PROMPTS + " prompts, got " + n);
        }
        int dim = rows[0] == null ? 0 : rows[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException(which + ": embeddings are empty");
        }
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            if (rows[i] == null || rows[i].length != dim) {
                throw new IllegalArgumentException(which + ": embedding " + i + " does not have " + dim + " values");
            }
            double s = 0;
            for (float v : rows[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(which + ": embedding " + i + " has a non-finite value");
                }
                s += (double) v * v;
            }
            if (s == 0) {
                throw new IllegalArgumentException(which + ": embedding " + i + " is zero and cannot be normalised");
            }
            norms[i] = Math.sqrt(s);
        }
        double[] gram = new double[n * n];
        int chunk = Math.max(1, Math.min(dim, (1 << 22) / n));
        double[] block = new double[chunk * n];
        for (int start = 0; start < dim; start += chunk) {
            int w = Math.min(chunk, dim - start);
            // Column-major w×n block of normalised values: column i is prompt i's slice.
            for (int i = 0; i < n; i++) {
                float[] r = rows[i];
                double inv = 1.0 / norms[i];
                for (int c = 0; c < w; c++) {
                    block[i * w + c] = r[start + c] * inv;
                }
            }
            LinearAlgebra.blas().dsyrk("U", "T", n, w, 1.0, block, w, 1.0, gram, n);
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < j; i++) {
                gram[j + i * n] = gram[i + j * n];
            }
        }
        return gram;
    }
}
