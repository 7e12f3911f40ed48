package dev.lucid.diffusion;

import java.util.Random;

/**
 * Initial noise from a seed. java.util.Random's algorithm and nextGaussian (StrictMath) are fixed by
 * the Java specification, so a seed gives the same noise on every JVM and machine.
 */
public final class GaussianNoise {
    /** This noise as an {@link InitialNoise}. */
    public static final InitialNoise JAVA_RANDOM = GaussianNoise::sample;

    private GaussianNoise() {
    }

    /** {@code size} standard normal floats for a seed (seed must be >= 0). */
    public static float[] sample(long seed, int size) {
        if (seed < 0) {
            throw new IllegalArgumentException("seed must be >= 0, got " + seed);
        }
        Random r = new Random(seed);
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }
}
