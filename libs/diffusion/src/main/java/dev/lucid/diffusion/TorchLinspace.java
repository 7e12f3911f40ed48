package dev.lucid.diffusion;

/**
 * {@code torch.linspace(start, end, steps, dtype=float32)} as torch 1.13's AVX2 CPU kernel computes it,
 * bit for bit: step = (end − start)/(steps − 1) in float; the first half counts up from start and the
 * second down from end (each with a fused multiply-add); whole blocks of 16 are made as two vectors of
 * 8 whose lanes are base + k·step (product rounded, then added), the rest element by element.
 */
final class TorchLinspace {
    private static final int VECTOR = 8;

    private TorchLinspace() {
    }

    static float[] float32(double start, double end, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("linspace needs at least 2 steps, got " + steps);
        }
        float s = (float) start;
        float e = (float) end;
        float step = (e - s) / (float) (steps - 1);
        int half = steps / 2;
        float[] out = new float[steps];
        int vectorised = steps - steps % (2 * VECTOR);
        for (int idx = 0; idx < vectorised; idx += VECTOR) {
            float base = idx < half ? Math.fma(step, (float) idx, s) : Math.fma(-step, (float) (steps - idx - 1), e);
            for (int k = 0; k < VECTOR; k++) {
                out[idx + k] = base + k * step;
            }
        }
        for (int idx = vectorised; idx < steps; idx++) {
            out[idx] = idx < half ? Math.fma(step, (float) idx, s) : Math.fma(-step, (float) (steps - idx - 1), e);
        }
        return out;
    }
}
