package dev.lucid.diffusion;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic DDIM (η = 0) with classifier-free guidance, negative prompts and Safe Latent
 * Diffusion, for any denoiser that predicts ε, v or x₀. All items of a call share one denoiser call per
 * step (2 rows per item, 3 with SLD), so a generator batches work items of the same model.
 *
 * <p>Per step, with ᾱ = ᾱ_t: guidance is v_u + w (v_c − v_u) (or the same in ε); SLD's term is
 * computed in ε space as in the paper and subtracted from the guidance after the warm-up;
 * x̂₀ = √ᾱ x − √(1−ᾱ) v, ε̂ = √ᾱ v + √(1−ᾱ) x (for ε models x̂₀ = (x − √(1−ᾱ) ε)/√ᾱ, for x₀ models
 * ε̂ = (x − √ᾱ x̂₀)/√(1−ᾱ)), x̂₀ is clipped to [−r, r] when asked (and ε̂ re-derived from the clipped x̂₀
 * as (x − √ᾱ x̂₀)/√(1−ᾱ) when {@code useClippedModelOutput}), and x ← √ᾱ_prev x̂₀ + √(1−ᾱ_prev) ε̂ —
 * diffusers' DDIMScheduler.step with η = 0.
 */
public final class DdimSampler {

    /**
     * Sampler settings.
     *
     * @param steps          denoising steps (1..trainTimesteps)
     * @param guidanceScale  classifier-free guidance w (1 = conditional only)
     * @param prediction     what the denoiser predicts
     * @param clipSample     clip x̂₀ to [−1, 1]
     * @param useClippedModelOutput re-derive ε̂ from the clipped x̂₀ (only with clipSample)
     * @param safety         SLD parameters, or null for none
     */
    public record Settings(int steps, double guidanceScale, PredictionType prediction, boolean clipSample,
                           boolean useClippedModelOutput, SafetyGuidance safety) {
        /** Settings that keep ε̂ as the model gave it. */
        public Settings(int steps, double guidanceScale, PredictionType prediction, boolean clipSample,
                        SafetyGuidance safety) {
            this(steps, guidanceScale, prediction, clipSample, false, safety);
        }

        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            if (!(guidanceScale >= 0) || guidanceScale > 100) {
                throw new IllegalArgumentException("guidanceScale must be in [0, 100], got " + guidanceScale);
            }
        }
    }

    /**
     * One image to make.
     *
     * @param seed        noise seed
     * @param prompt      conditioning index of the prompt
     * @param unconditional conditioning index of the unconditional branch (the null caption, or a negative prompt)
     * @param safetyConcept conditioning index of the SLD concept; ignored without SLD
     * @param safetyWeight  multiplier of this item's SLD term (1 = as the SLD parameters give it; risk-adaptive
     *                      guidance sets it per prompt); ignored without SLD
     */
    public record Item(long seed, int prompt, int unconditional, int safetyConcept, double safetyWeight) {
        public Item {
            if (!(safetyWeight >= 0) || Double.isInfinite(safetyWeight)) {
                throw new IllegalArgumentException("safetyWeight must be finite and >= 0, got " + safetyWeight);
            }
        }

        /** An item with the SLD term as its parameters give it. */
        public Item(long seed, int prompt, int unconditional, int safetyConcept) {
            this(seed, prompt, unconditional, safetyConcept, 1.0);
        }
    }

    private final Settings settings;
    private final int[] timesteps;
    private final double[] alphas;
    private final double[] alphasPrev;
    private final double clipRange;
    private final InitialNoise noise;

    /**
     * The sampler as Lucid first defined it, which the mini world relies on: timesteps
     * (steps−1−k)·(T // steps), the schedule's final ᾱ after the last step, x̂₀ clipped to [−1, 1] when
     * asked, java.util.Random noise.
     */
    public DdimSampler(NoiseSchedule schedule, Settings settings) {
        this(schedule, checkedLeading(schedule, settings.steps()), settings, 1.0, GaussianNoise.JAVA_RANDOM);
    }

    private DdimSampler(NoiseSchedule schedule, int[] timesteps, Settings settings, double clipRange, InitialNoise noise) {
        this.settings = settings;
        this.timesteps = timesteps;
        this.clipRange = clipRange;
        this.noise = noise;
        // diffusers' previous timestep: t − T // steps, whatever the spacing; below 0 the final ᾱ.
        int ratio = schedule.trainTimesteps() / settings.steps();
        alphas = new double[timesteps.length];
        alphasPrev = new double[timesteps.length];
        for (int k = 0; k < timesteps.length; k++) {
            alphas[k] = schedule.alphaCumprod(timesteps[k]);
            alphasPrev[k] = schedule.alphaCumprod(timesteps[k] - ratio);
        }
    }

    /**
     * A sampler for a diffusers-style scheduler config: its timesteps, prediction type and clipping,
     * over {@code schedule} (which must be {@link NoiseSchedule#of} the same config).
     */
    public static DdimSampler forConfig(SchedulerConfig config, NoiseSchedule schedule, int steps, double guidanceScale,
                                        SafetyGuidance safety, InitialNoise noise) {
        if (schedule.trainTimesteps() != config.numTrainTimesteps()) {
            throw new IllegalArgumentException("schedule has " + schedule.trainTimesteps() + " timesteps, config "
                    + config.numTrainTimesteps());
        }
        Settings s = new Settings(steps, guidanceScale, config.predictionType(), config.clipSample(),
                config.useClippedModelOutput(), safety);
        return new DdimSampler(schedule, DdimTimesteps.of(config, steps), s, config.clipSampleRange(), noise);
    }

    private static int[] checkedLeading(NoiseSchedule schedule, int steps) {
        if (steps > schedule.trainTimesteps()) {
            throw new IllegalArgumentException("steps must be <= " + schedule.trainTimesteps() + ", got " + steps);
        }
        return DdimTimesteps.leading(schedule.trainTimesteps(), steps, 0);
    }

    /** The timesteps visited, from the noisiest. */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /** ᾱ at each visited timestep. */
    public double[] alphas() {
        return alphas.clone();
    }

    /** ᾱ at each step's previous timestep (the final ᾱ after the last). */
    public double[] alphasPrev() {
        return alphasPrev.clone();
    }

    /**
     * Runs the sampler.
     *
     * @param sampleSize floats per sample (e.g. 3·32·32)
     * @return per item, the final sample mapped to [0, 1] ((x + 1) / 2, clipped)
     */
    public List<float[]> sample(Denoiser denoiser, List<Item> items, int sampleSize) throws Exception {
        List<float[]> images = new ArrayList<>(items.size());
        for (double[] xi : run(denoiser, items, sampleSize)) {
            float[] img = new float[sampleSize];
            for (int j = 0; j < sampleSize; j++) {
                img[j] = (float) Math.max(0.0, Math.min(1.0, (xi[j] + 1) / 2));
            }
            images.add(img);
        }
        return images;
    }

    /**
     * Runs the sampler like {@link #sample} and returns the final samples as they are, unclipped and
     * unmapped: the latents of a latent diffusion model, for its decoder.
     */
    public List<float[]> sampleLatents(Denoiser denoiser, List<Item> items, int sampleSize) throws Exception {
        List<float[]> latents = new ArrayList<>(items.size());
        for (double[] xi : run(denoiser, items, sampleSize)) {
            float[] z = new float[sampleSize];
            for (int j = 0; j < sampleSize; j++) {
                z[j] = (float) xi[j];
            }
            latents.add(z);
        }
        return latents;
    }

    private double[][] run(Denoiser denoiser, List<Item> items, int sampleSize) throws Exception {
        int n = items.size();
        boolean sld = settings.safety() != null;
        boolean uncond = sld || settings.guidanceScale() != 1.0;
        int perItem = 1 + (uncond ? 1 : 0) + (sld ? 1 : 0);
        double[][] x = new double[n][];
        double[][] momentum = sld ? new double[n][sampleSize] : null;
        for (int i = 0; i < n; i++) {
            float[] z = noise.sample(items.get(i).seed(), sampleSize);
            if (z.length != sampleSize) {
                throw new IllegalStateException("noise source returned " + z.length + " values, expected " + sampleSize);
            }
            x[i] = new double[sampleSize];
            for (int j = 0; j < sampleSize; j++) {
                x[i][j] = z[j];
            }
        }
        int rows = n * perItem;
        // One batch, timestep and conditioning buffer for all steps: the per-step work allocates nothing.
        float[] batch = new float[rows * sampleSize];
        long[] t = new long[rows];
        int[] cond = new int[rows];
        for (int i = 0; i < n; i++) {
            Item it = items.get(i);
            int r = i * perItem;
            cond[r++] = it.prompt();
            if (uncond) {
                cond[r++] = it.unconditional();
            }
            if (sld) {
                cond[r] = it.safetyConcept();
            }
        }
        for (int step = 0; step < timesteps.length; step++) {
            double a = alphas[step];
            double sa = Math.sqrt(a);
            double s1a = Math.sqrt(1 - a);
            double saPrev = Math.sqrt(alphasPrev[step]);
            double s1aPrev = Math.sqrt(1 - alphasPrev[step]);
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < perItem; r++) {
                    fillRow(batch, i * perItem + r, x[i], sampleSize);
                }
            }
            java.util.Arrays.fill(t, timesteps[step]);
            float[] out = denoiser.predict(batch, rows, t, cond);
            if (out.length != rows * sampleSize) {
                throw new IllegalStateException("denoiser returned " + out.length + " values, expected " + rows * sampleSize);
            }
            for (int i = 0; i < n; i++) {
                update(out, i * perItem * sampleSize, uncond, x[i], sld ? momentum[i] : null, items.get(i).safetyWeight(),
                        step, sa, s1a, saPrev, s1aPrev);
            }
        }
        return x;
    }

    /** One DDIM step for one item whose prediction rows start at {@code base} of {@code out}. */
    private void update(float[] out, int base, boolean uncond, double[] xi, double[] momentum, double safetyWeight,
                        int step, double sa, double s1a, double saPrev, double s1aPrev) {
        int size = xi.length;
        int offU = base + size;
        int offS = base + 2 * size;
        double w = settings.guidanceScale();
        PredictionType type = settings.prediction();
        boolean clip = settings.clipSample();
        boolean rederive = clip && settings.useClippedModelOutput();
        for (int j = 0; j < size; j++) {
            double pc = out[base + j];
            double pu = uncond ? out[offU + j] : pc;
            double guided = pu + w * (pc - pu); // in the model's own space (ε, v or x₀)
            if (momentum != null) {
                double gs = sldTerm(pc, pu, out[offS + j], xi[j], sa, s1a, momentum, j, step);
                // gs is in ε space: Δε = √ᾱ Δv = −(√ᾱ/√(1−ᾱ)) Δx₀.
                // The momentum follows the unweighted term, so the weight scales what SLD would do, step by step.
                guided -= w * safetyWeight * switch (type) {
                    case EPSILON -> gs;
                    case V_PREDICTION -> gs / sa;
                    case SAMPLE -> -gs * s1a / sa;
                };
            }
            double x0;
            double eps;
            switch (type) {
                case V_PREDICTION -> {
                    x0 = sa * xi[j] - s1a * guided;
                    eps = sa * guided + s1a * xi[j];
                }
                case SAMPLE -> {
                    x0 = guided;
                    eps = (xi[j] - sa * x0) / s1a;
                }
                default -> {
                    eps = guided;
                    x0 = (xi[j] - s1a * eps) / sa;
                }
            }
            if (clip) {
                x0 = Math.max(-clipRange, Math.min(clipRange, x0));
                if (rederive) {
                    eps = (xi[j] - sa * x0) / s1a;
                }
            }
            xi[j] = saPrev * x0 + s1aPrev * eps;
        }
    }

    /**
     * SLD's safety term for one element (diffusers' SafeStableDiffusionPipeline, eqs. 3–8), in ε
     * space. Updates the momentum; returns 0 before the warm-up ends.
     */
    private double sldTerm(double pc, double pu, double ps, double x, double sa, double s1a, double[] momentum,
                           int j, int step) {
        SafetyGuidance g = settings.safety();
        double ec = toEps(pc, x, sa, s1a);
        double eu = toEps(pu, x, sa, s1a);
        double es = toEps(ps, x, sa, s1a);
        double diff = ec - es;
        double scale = Math.min(Math.abs(diff) * g.guidanceScale(), 1.0);
        if (diff >= g.threshold()) {
            scale = 0.0;
        }
        double term = (es - eu) * scale + g.momentumScale() * momentum[j];
        momentum[j] = g.momentumBeta() * momentum[j] + (1 - g.momentumBeta()) * term;
        return step >= g.warmupSteps() ? term : 0.0;
    }

    private double toEps(double p, double x, double sa, double s1a) {
        return switch (settings.prediction()) {
            case EPSILON -> p;
            case V_PREDICTION -> sa * p + s1a * x;
            case SAMPLE -> (x - sa * p) / s1a;
        };
    }

    private static void fillRow(float[] batch, int row, double[] x, int size) {
        int off = row * size;
        for (int j = 0; j < size; j++) {
            batch[off + j] = (float) x[j];
        }
    }
}
