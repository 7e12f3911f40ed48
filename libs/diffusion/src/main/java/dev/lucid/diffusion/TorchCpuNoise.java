package dev.lucid.diffusion;

/**
 * Noise bit-identical to {@code torch.randn(size, generator=torch.Generator("cpu").manual_seed(seed))}
 * in float32, as torch 1.13 makes it with its AVX2 kernels (the noise diffusers' pipelines start from
 * with a CPU generator):
 * <ul>
 * <li>16 elements or more: every element first gets a uniform float, then each block of 16 becomes
 *     normal by Box-Muller over the pairs (j, j+8) in float32 ({@link CephesFloatMath}); when the
 *     size is not a multiple of 16, the last 16 elements get fresh uniforms and are transformed again;</li>
 * <li>fewer than 16: element by element, Box-Muller in double from 53-bit uniforms, the sine half of
 *     each pair kept for the next element.</li>
 * </ul>
 * The seed is taken as torch takes it: as an unsigned 64-bit value of which the engine keeps the low
 * 32 bits.
 */
public final class TorchCpuNoise implements InitialNoise {
    /** The one instance (it holds no state). */
    public static final TorchCpuNoise INSTANCE = new TorchCpuNoise();
    /** The most elements one call makes (1 GiB of floats). */
    public static final int MAX_SIZE = 1 << 28;
    private static final float TWO_PI = (float) (2.0 * Math.PI);

    private TorchCpuNoise() {
    }

    @Override
    public float[] sample(long seed, int size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("noise size must be in [0, " + MAX_SIZE + "], got " + size);
        }
        Mt19937 rng = new Mt19937(seed);
        float[] out = new float[size];
        if (size >= 16) {
            fillVectorised(rng, out);
        } else {
            fillScalar(rng, out);
        }
        return out;
    }

    private static void fillVectorised(Mt19937 rng, float[] data) {
        int size = data.length;
        for (int i = 0; i < size; i++) {
            data[i] = rng.nextFloat();
        }
        float[] sc = new float[2];
        for (int i = 0; i + 16 <= size; i += 16) {
            boxMuller16(data, i, sc);
        }
        if (size % 16 != 0) {
            int tail = size - 16;
            for (int i = 0; i < 16; i++) {
                data[tail + i] = rng.nextFloat();
            }
            boxMuller16(data, tail, sc);
        }
    }

    private static void boxMuller16(float[] data, int off, float[] sc) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - data[off + j]; // [0, 1) -> (0, 1] for the log
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt(-2f * CephesFloatMath.log(u1));
            CephesFloatMath.sincos(TWO_PI * u2, sc);
            // The kernel stores fma(n, std = 1, mean = 0), which is n + 0.
            data[off + j] = radius * sc[1] + 0f;
            data[off + j + 8] = radius * sc[0] + 0f;
        }
    }

    private static void fillScalar(Mt19937 rng, float[] out) {
        for (int i = 0; i < out.length; i += 2) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
            double theta = 2.0 * Math.PI * u1;
            out[i] = (float) (r * StrictMath.cos(theta) + 0.0);
            if (i + 1 < out.length) {
                out[i + 1] = (float) (r * StrictMath.sin(theta) + 0.0);
            }
        }
    }
}
