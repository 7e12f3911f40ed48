package dev.lucid.diffusion;

/**
 * The cumulative signal fractions ᾱ_t of a diffusion model's training schedule, and the ᾱ that follows
 * the last sampling step ({@code final_alpha_cumprod}).
 */
public final class NoiseSchedule {
    private final double[] alphasCumprod;
    private final double finalAlphaCumprod;

    private NoiseSchedule(double[] alphasCumprod, double finalAlphaCumprod) {
        this.alphasCumprod = alphasCumprod;
        this.finalAlphaCumprod = finalAlphaCumprod;
    }

    /**
     * The cosine schedule (Nichol and Dhariwal; diffusers' {@code squaredcos_cap_v2}) in float64:
     * ᾱ(u) = cos²(((u + 0.008) / 1.008) π/2), β_i = min(1 − ᾱ((i+1)/T) / ᾱ(i/T), 0.999); ᾱ = 1 after the
     * last step.
     */
    public static NoiseSchedule cosine(int trainTimesteps) {
        if (trainTimesteps < 2) {
            throw new IllegalArgumentException("trainTimesteps must be >= 2");
        }
        double[] acp = new double[trainTimesteps];
        double prod = 1.0;
        for (int i = 0; i < trainTimesteps; i++) {
            prod *= 1 - cosineBeta(i, trainTimesteps);
            acp[i] = prod;
        }
        return new NoiseSchedule(acp, 1.0);
    }

    /** The linear-in-sqrt schedule of Stable Diffusion ({@code scaled_linear}) in float64; ᾱ = 1 after the last step. */
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
        return new NoiseSchedule(acp, 1.0);
    }

    /** A float64 schedule by its config name: {@code cosine} / {@code squaredcos_cap_v2} or {@code scaled_linear}. */
    public static NoiseSchedule named(String name, int trainTimesteps) {
        return switch (name) {
            case "cosine", "squaredcos_cap_v2" -> cosine(trainTimesteps);
            case "scaled_linear" -> scaledLinear(trainTimesteps, 0.00085, 0.012);
            default -> throw new IllegalArgumentException("unknown beta schedule '" + name
                    + "' (known: cosine, squaredcos_cap_v2, scaled_linear)");
        };
    }

    /**
     * The schedule of a scheduler config, with diffusers' numbers: β in torch float32 (linspace as
     * torch computes it, or the cosine β rounded to float32), α = 1 − β in float32, ᾱ their running
     * product accumulated in double and rounded to float32 at each t (torch's CPU cumprod), and
     * ᾱ after the last step 1 or ᾱ_0 ({@code set_alpha_to_one}). Lucid's {@code cosine} stays float64.
     */
    public static NoiseSchedule of(SchedulerConfig c) {
        int t = c.numTrainTimesteps();
        float[] betas;
        switch (c.betaSchedule()) {
            case COSINE -> {
                NoiseSchedule s = cosine(t);
                return c.setAlphaToOne() ? s : new NoiseSchedule(s.alphasCumprod, s.alphasCumprod[0]);
            }
            case LINEAR -> betas = TorchLinspace.float32(c.betaStart(), c.betaEnd(), t);
            case SCALED_LINEAR -> {
                betas = TorchLinspace.float32(Math.sqrt(c.betaStart()), Math.sqrt(c.betaEnd()), t);
                for (int i = 0; i < t; i++) {
                    betas[i] = betas[i] * betas[i];
                }
            }
            case SQUAREDCOS_CAP_V2 -> {
                betas = new float[t];
                for (int i = 0; i < t; i++) {
                    betas[i] = (float) cosineBeta(i, t);
                }
            }
            default -> throw new IllegalStateException("unhandled beta schedule " + c.betaSchedule());
        }
        double[] acp = new double[t];
        double prod = 1.0;
        for (int i = 0; i < t; i++) {
            prod *= 1f - betas[i];
            acp[i] = (float) prod;
        }
        return new NoiseSchedule(acp, c.setAlphaToOne() ? 1.0 : acp[0]);
    }

    private static double cosineBeta(int i, int trainTimesteps) {
        return Math.min(1 - alphaBar((i + 1) / (double) trainTimesteps) / alphaBar(i / (double) trainTimesteps), 0.999);
    }

    private static double alphaBar(double u) {
        double c = Math.cos((u + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Number of training timesteps. */
    public int trainTimesteps() {
        return alphasCumprod.length;
    }

    /** ᾱ_t; for t &lt; 0 (the last step's "previous" timestep) the final ᾱ. */
    public double alphaCumprod(int t) {
        return t < 0 ? finalAlphaCumprod : alphasCumprod[t];
    }
}
