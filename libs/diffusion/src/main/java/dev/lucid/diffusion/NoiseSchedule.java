package dev.lucid.diffusion;

/** The cumulative signal fractions ᾱ_t of a diffusion model's training schedule, in float64. */
public final class NoiseSchedule {
    private final double[] alphasCumprod;

    private NoiseSchedule(double[] alphasCumprod) {
        this.alphasCumprod = alphasCumprod;
    }

    /**
     * The cosine schedule (Nichol and Dhariwal; diffusers' {@code squaredcos_cap_v2}):
     * ᾱ(u) = cos²(((u + 0.008) / 1.008) π/2), β_i = min(1 − ᾱ((i+1)/T) / ᾱ(i/T), 0.999).
     */
    public static NoiseSchedule cosine(int trainTimesteps) {
        if (trainTimesteps < 2) {
            throw new IllegalArgumentException("trainTimesteps must be >= 2");
        }
        double[] acp = new double[trainTimesteps];
        double prod = 1.0;
        for (int i = 0; i < trainTimesteps; i++) {
            double beta = Math.min(1 - alphaBar((i + 1) / (double) trainTimesteps) / alphaBar(i / (double) trainTimesteps),
                    0.999);
            prod *= 1 - beta;
            acp[i] = prod;
        }
        return new NoiseSchedule(acp);
    }

    /** The linear-in-sqrt schedule of Stable Diffusion ({@code scaled_linear}). */
    public static NoiseSchedule scaledLinear(int trainTimesteps, double betaStart, double betaEnd) {
        double[] acp = new double[trainTimesteps];
        double prod = 1.0;
        double a = Math.sqrt(betaStart);
        double b = Math.sqrt(betaEnd);
        for (int i = 0; i < trainTimesteps; i++) {
            double s = a + (b - a) * i / (trainTimesteps - 1);
            prod *= 1 - s * s;
            acp[i] = prod;
        }
        return new NoiseSchedule(acp);
    }

    /** A schedule by its config name: {@code cosine} / {@code squaredcos_cap_v2} or {@code scaled_linear}. */
    public static NoiseSchedule named(String name, int trainTimesteps) {
        return switch (name) {
            case "cosine", "squaredcos_cap_v2" -> cosine(trainTimesteps);
            case "scaled_linear" -> scaledLinear(trainTimesteps, 0.00085, 0.012);
            default -> throw new IllegalArgumentException("unknown beta schedule '" + name
                    + "' (known: cosine, squaredcos_cap_v2, scaled_linear)");
        };
    }

    private static double alphaBar(double u) {
        double c = Math.cos((u + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Number of training timesteps. */
    public int trainTimesteps() {
        return alphasCumprod.length;
    }

    /** ᾱ_t; 1.0 for t &lt; 0 (the final step's "previous" timestep). */
    public double alphaCumprod(int t) {
        return t < 0 ? 1.0 : alphasCumprod[t];
    }
}
