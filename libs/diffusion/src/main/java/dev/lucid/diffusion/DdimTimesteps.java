package dev.lucid.diffusion;

/**
 * The timesteps DDIM visits, from the noisiest, as diffusers' {@code DDIMScheduler.set_timesteps}
 * computes them with numpy (float64 arange/linspace, round half to even), for each spacing.
 */
public final class DdimTimesteps {
    private DdimTimesteps() {
    }

    /**
     * The timesteps of a config at a step count.
     *
     * @throws IllegalArgumentException when steps is outside [1, T] or the spacing leaves [0, T)
     */
    public static int[] of(SchedulerConfig c, int steps) {
        int t = c.numTrainTimesteps();
        if (steps < 1 || steps > t) {
            throw new IllegalArgumentException("steps must be in [1, num_train_timesteps = " + t + "], got " + steps);
        }
        int[] ts = switch (c.timestepSpacing()) {
            case LEADING -> leading(t, steps, c.stepsOffset());
            case TRAILING -> trailing(t, steps);
            case LINSPACE -> linspace(t, steps);
        };
        for (int v : ts) {
            if (v < 0 || v >= t) {
                throw new IllegalArgumentException("timestep_spacing " + c.timestepSpacing().key() + " with steps_offset "
                        + c.stepsOffset() + " gives timestep " + v + " at " + steps + " steps, outside [0, " + t + ")");
            }
        }
        return ts;
    }

    /** k · (T // steps) + offset for k = steps−1 … 0. */
    static int[] leading(int t, int steps, int offset) {
        int ratio = t / steps;
        int[] ts = new int[steps];
        for (int k = 0; k < steps; k++) {
            ts[k] = (steps - 1 - k) * ratio + offset;
        }
        return ts;
    }

    /** round(arange(T, 0, −T/steps)) − 1, with numpy's arange: length ⌈−T/step⌉, values T + i·(second − first). */
    static int[] trailing(int t, int steps) {
        double step = -((double) t / steps);
        int length = (int) Math.ceil((0 - (double) t) / step);
        double delta = ((double) t + step) - t;
        int[] ts = new int[length];
        for (int i = 0; i < length; i++) {
            double v = i == 0 ? t : i == 1 ? t + step : t + i * delta;
            ts[i] = (int) Math.rint(v) - 1;
        }
        return ts;
    }

    /** round(linspace(0, T−1, steps)) reversed, with numpy's linspace: i·((T−1)/(steps−1)), the last exactly T−1. */
    static int[] linspace(int t, int steps) {
        int[] ts = new int[steps];
        double stop = t - 1;
        double step = stop / (steps - 1);
        for (int i = 0; i < steps; i++) {
            double v = steps == 1 ? 0 : i == steps - 1 ? stop : i * step;
            ts[steps - 1 - i] = (int) Math.rint(v);
        }
        return ts;
    }
}
