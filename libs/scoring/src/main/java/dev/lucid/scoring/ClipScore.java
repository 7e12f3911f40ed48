package dev.lucid.scoring;

/** CLIPScore on the paper's scale: 100 · max(cos(image, text), 0). */
public final class ClipScore {
    private ClipScore() {
    }

    public static double of(float[] imageEmbedding, float[] textEmbedding) {
        return 100.0 * Math.max(cosine(imageEmbedding, textEmbedding), 0.0);
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embedding lengths differ: " + a.length + " vs " + b.length);
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
