package dev.lucid.diffusion;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic DDIM (η = 0) with classifier-free guidance, negative prompts and Safe Latent
 * Diffusion, for any denoiser that predicts ε or v. All items of a call share one denoiser call per
 * step (2 rows per item, 3 with SLD), so a generator batches work items of the same model.
 *
 * <p>Per step, with ᾱ = ᾱ_t: guidance is v_u + w (v_c − v_u) (or the same in ε); SLD's term is
 * computed in ε space as in the paper and subtracted from the guidance after the warm-up;
 * x̂₀ = √ᾱ x − √(1−ᾱ) v, ε̂ = √ᾱ v + √(1−ᾱ) x (for ε models x̂₀ = (x − √(1−ᾱ) ε)/√ᾱ), x̂₀ is clipped to
 * [−1, 1] when asked (ε̂ is not recomputed), and x ← √ᾱ_prev x̂₀ + √(1−ᾱ_prev) ε̂.
 */
public final class DdimSampler {

    /**
     * Sampler settings.
     *
     * @param steps          denoising steps (1..trainTimesteps)
     * @param guidanceScale  classifier-free guidance w (1 = conditional only)
     * @param prediction     what the denoiser predicts
     * @param clipSample     clip x̂₀ to [−1, 1]
     * @param safety         SLD parameters, or null for none
     */
    public record Settings(int steps, double guidanceScale, PredictionType prediction, boolean clipSample,
                           SafetyGuidance safety) {
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
     */
    public record Item(long seed, int prompt, int unconditional, int safetyConcept) {
    }

    private final NoiseSchedule schedule;
    private final Settings settings;
    private final int[] timesteps;

    public DdimSampler(NoiseSchedule schedule, Settings settings) {
        if (settings.steps() > schedule.trainTimesteps()) {
            throw new IllegalArgumentException("steps must be <= " + schedule.trainTimesteps() + ", got " + settings.steps());
        }
        this.schedule = schedule;
        this.settings = settings;
        int ratio = schedule.trainTimesteps() / settings.steps();
        timesteps = new int[settings.steps()];
        for (int k = 0; k < timesteps.length; k++) {
            timesteps[k] = (settings.steps() - 1 - k) * ratio;
        }
    }

    /** The timesteps visited, from the noisiest (diffusers' "leading" spacing). */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /**
     * Runs the sampler.
     *
     * @param sampleSize floats per sample (e.g. 3·32·32)
     * @return per item, the final sample mapped to [0, 1] ((x + 1) / 2, clipped)
     */
    public List<float[]> sample(Denoiser denoiser, List<Item> items, int sampleSize) throws Exception {
        int n = items.size();
        boolean sld = settings.safety() != null;
        boolean uncond = sld || settings.guidanceScale() != 1.0;
        int perItem = 1 + (uncond ? 1 : 0) + (sld ? 1 : 0);
        double[][] x = new double[n][];
        double[][] momentum = sld ? new double[n][sampleSize] : null;
        for (int i = 0; i < n; i++) {
            float[] noise = GaussianNoise.sample(items.get(i).seed(), sampleSize);
            x[i] = new double[sampleSize];
            for (int j = 0; j < sampleSize; j++) {
                x[i][j] = noise[j];
            }
        }
        int ratio = schedule.trainTimesteps() / settings.steps();
        int rows = n * perItem;
        float[] batch = new float[rows * sampleSize];
        long[] t = new long[rows];
        int[] cond = new int[rows];
        for (int step = 0; step < timesteps.length; step++) {
            int ts = timesteps[step];
            double a = schedule.alphaCumprod(ts);
            double sa = Math.sqrt(a);
            double s1a = Math.sqrt(1 - a);
            double aPrev = schedule.alphaCumprod(ts - ratio);
            double saPrev = Math.sqrt(aPrev);
            double s1aPrev = Math.sqrt(1 - aPrev);
            for (int i = 0; i < n; i++) {
                Item it = items.get(i);
                int base = i * perItem;
                int r = 0;
                fillRow(batch, base + r, x[i], sampleSize);
                cond[base + r++] = it.prompt();
                if (uncond) {
                    fillRow(batch, base + r, x[i], sampleSize);
                    cond[base + r++] = it.unconditional();
                }
                if (sld) {
                    fillRow(batch, base + r, x[i], sampleSize);
                    cond[base + r] = it.safetyConcept();
                }
            }
            java.util.Arrays.fill(t, ts);
            float[] out = denoiser.predict(batch, rows, t, cond);
            if (out.length != rows * sampleSize) {
                throw new IllegalStateException("denoiser returned " + out.length + " values, expected " + rows * sampleSize);
            }
            double w = settings.guidanceScale();
            for (int i = 0; i < n; i++) {
                int base = i * perItem * sampleSize;
                int offU = base + sampleSize;
                int offS = base + 2 * sampleSize;
                double[] xi = x[i];
                for (int j = 0; j < sampleSize; j++) {
                    double pc = out[base + j];
                    double pu = uncond ? out[offU + j] : pc;
                    double guided = pu + w * (pc - pu); // in the model's own space (ε or v)
                    if (sld) {
                        double gs = sldTerm(pc, pu, out[offS + j], xi[j], sa, s1a, momentum[i], j, step);
                        // gs is in ε space; a difference in ε is √ᾱ times the difference in v.
                        guided -= w * (settings.prediction() == PredictionType.V_PREDICTION ? gs / sa : gs);
                    }
                    double x0;
                    double eps;
                    if (settings.prediction() == PredictionType.V_PREDICTION) {
                        x0 = sa * xi[j] - s1a * guided;
                        eps = sa * guided + s1a * xi[j];
                    } else {
                        eps = guided;
                        x0 = (xi[j] - s1a * eps) / sa;
                    }
                    if (settings.clipSample()) {
                        x0 = Math.max(-1.0, Math.min(1.0, x0));
                    }
                    xi[j] = saPrev * x0 + s1aPrev * eps;
                }
            }
        }
        List<float[]> images = new ArrayList<>(n);
        for (double[] xi : x) {
            float[] img = new float[sampleSize];
            for (int j = 0; j < sampleSize; j++) {
                img[j] = (float) Math.max(0.0, Math.min(1.0, (xi[j] + 1) / 2));
            }
            images.add(img);
        }
        return images;
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
        return settings.prediction() == PredictionType.V_PREDICTION ? sa * p + s1a * x : p;
    }

    private static void fillRow(float[] batch, int row, double[] x, int size) {
        int off = row * size;
        for (int j = 0; j < size; j++) {
            batch[off + j] = (float) x[j];
        }
    }
}
