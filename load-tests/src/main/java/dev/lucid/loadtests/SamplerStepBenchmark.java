package dev.lucid.loadtests;

import dev.lucid.diffusion.DdimSampler;
import dev.lucid.diffusion.Denoiser;
import dev.lucid.diffusion.NoiseSchedule;
import dev.lucid.diffusion.SchedulerConfig;
import dev.lucid.diffusion.TorchCpuNoise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Java sampler's own time per denoising step: DDIM with classifier-free guidance (2 rows per
 * image) over a denoiser that does nothing (it returns one preallocated prediction), so what is
 * timed is everything but the UNet call: copying the samples into the batch, guidance, the DDIM
 * update, and (once per image, amortised over the steps) torch-identical initial noise.
 *
 * <p>Usage: {@code SamplerStepBenchmark [RUNS] [STEPS]}
 */
public final class SamplerStepBenchmark {
    private SamplerStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.version") + "; " + runs + " runs of " + steps + " steps, median");
        System.out.println("| shape | images | rows per step | sampler ms per step | initial noise ms per image |");
        System.out.println("|---|---|---|---|---|");
        for (int images : new int[] {1, 4}) {
            bench("SD latent 4x64x64", 4 * 64 * 64, images, runs, steps);
        }
        bench("mini world 3x32x32", 3 * 32 * 32, 1, runs, steps);
    }

    static void bench(String label, int sampleSize, int images, int runs, int steps) throws Exception {
        SchedulerConfig config = SchedulerConfig.STABLE_DIFFUSION_1;
        NoiseSchedule schedule = NoiseSchedule.of(config);
        DdimSampler sampler = DdimSampler.forConfig(config, schedule, steps, 7.5, null, TorchCpuNoise.INSTANCE);
        float[] prediction = new float[2 * images * sampleSize];
        Arrays.fill(prediction, 0.01f);
        Denoiser nothing = (samples, rows, t, cond) -> prediction;
        List<DdimSampler.Item> items = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            items.add(new DdimSampler.Item(1000 + i, 1 + i, 0, -1));
        }
        double[] perStep = new double[runs];
        double[] noise = new double[runs];
        for (int r = -runs; r < runs; r++) { // the first half warms up the JIT
            long t0 = System.nanoTime();
            for (DdimSampler.Item it : items) {
                TorchCpuNoise.INSTANCE.sample(it.seed(), sampleSize);
            }
            long t1 = System.nanoTime();
            sampler.sample(nothing, items, sampleSize);
            long t2 = System.nanoTime();
            if (r >= 0) {
                noise[r] = (t1 - t0) / 1e6 / images;
                perStep[r] = (t2 - t1) / 1e6 / steps;
            }
        }
        System.out.printf("| %s | %d | %d | %.3f | %.3f |%n", label, images, 2 * images, median(perStep), median(noise));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
