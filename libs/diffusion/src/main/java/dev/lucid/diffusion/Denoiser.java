package dev.lucid.diffusion;

/**
 * One batched denoiser call: {@code rows} noisy samples (each {@code sampleSize} floats, row-major),
 * one timestep per row, and per row the index of the conditioning to use (into the conditionings the
 * caller registered with the sampler). Returns the model's prediction for every row, same layout.
 */
@FunctionalInterface
public interface Denoiser {
    float[] predict(float[] samples, int rows, long[] timesteps, int[] conditioning) throws Exception;
}
