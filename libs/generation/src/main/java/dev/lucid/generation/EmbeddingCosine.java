package dev.lucid.generation;

/** Cosine similarity of two prompt embeddings, accumulated in double. */
public final class EmbeddingCosine {
    private EmbeddingCosine() {
    }

    /** The cosine of {@code a} and {@code b}; 0 when either is zero. */
    public static double of(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("embedding dimensions differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0.0 : dot / Math.sqrt(na * nb);
    }
}
