package dev.lucid.diffusion;

/** Where a sample's initial noise comes from: {@code size} standard normal floats for a seed. */
@FunctionalInterface
public interface InitialNoise {
    float[] sample(long seed, int size);
}
