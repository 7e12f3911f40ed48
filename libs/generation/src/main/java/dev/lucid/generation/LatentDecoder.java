package dev.lucid.generation;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import inference.ModelConfigOuterClass.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A latent diffusion model's VAE decoder served as a backend model ({@code latent_sample} [n, C, h, w] →
 * {@code sample} [n, 3, H, W] in [-1, 1]): decodes latents / scale in calls of at most its batch limit and
 * maps the result to 8-bit RGB as diffusers does.
 */
final class LatentDecoder {
    /** Rows per call when the decoder is served unbatched with a dynamic first dimension. */
    static final int UNBATCHED_ROWS = 8;

    private final KServeClient client;
    private final String name;
    private final double scale;
    private final int maxBatch;
    private final String output;
    private final ModelConfig config;

    private LatentDecoder(KServeClient client, String name, double scale, int maxBatch, String output, ModelConfig config) {
        this.client = client;
        this.name = name;
        this.scale = scale;
        this.maxBatch = maxBatch;
        this.output = output;
        this.config = config;
    }

    /** Reads the decoder's contract from its metadata and config; {@code channels} is the denoiser's. */
    static LatentDecoder discover(KServeClient client, T2iModel.LatentSpace latent, int channels, String entry) {
        String name = latent.decoder();
        ModelConfig config = client.modelConfig(name);
        ModelMetadata m = client.modelMetadata(name);
        TensorSpec in = m.input("latent_sample").orElseThrow(() -> new IllegalStateException("model '" + entry
                + "': decoder '" + name + "' has no input 'latent_sample'; inputs are "
                + m.inputs().stream().map(TensorSpec::name).toList()));
        if (in.shape().rank() != 4 || (in.shape().dim(1) != channels && in.shape().dim(1) != -1)) {
            throw new IllegalStateException("model '" + entry + "': decoder '" + name + "' must take latent_sample [-1, "
                    + channels + ", h, w] (the denoiser's channels); metadata says " + in.shape());
        }
        TensorSpec out = m.output("sample").orElseGet(() -> m.outputs().size() == 1 ? m.outputs().get(0) : null);
        if (out == null) {
            throw new IllegalStateException("model '" + entry + "': decoder '" + name + "' has no output 'sample'; outputs are "
                    + m.outputs().stream().map(TensorSpec::name).toList());
        }
        int maxBatch = config.getMaxBatchSize();
        if (maxBatch == 0) {
            long first = in.shape().dim(0);
            maxBatch = first == -1 ? UNBATCHED_ROWS : (int) Math.max(1, Math.min(first, UNBATCHED_ROWS));
        }
        return new LatentDecoder(client, name, latent.scale(), maxBatch, out.name(), config);
    }

    /** The decoder's config, part of the model's fingerprint. */
    ModelConfig config() {
        return config;
    }

    /** Decodes each latent (C × h × w floats) into an image. */
    List<RgbImage> decode(List<float[]> latents, int channels, int height, int width) {
        int size = channels * height * width;
        List<RgbImage> images = new ArrayList<>(latents.size());
        for (int start = 0; start < latents.size(); start += maxBatch) {
            int n = Math.min(maxBatch, latents.size() - start);
            float[] z = new float[n * size];
            for (int i = 0; i < n; i++) {
                float[] li = latents.get(start + i);
                for (int j = 0; j < size; j++) {
                    z[i * size + j] = (float) (li[j] / scale);
                }
            }
            InferenceResult r = client.infer(InferenceRequest.builder(name)
                    .input(Tensor.ofFloats("latent_sample", TensorShape.of(n, channels, height, width), z))
                    .output(output).build());
            Tensor t = r.output(output);
            TensorShape s = t.shape();
            if (s.rank() != 4 || s.dim(0) != n || s.dim(1) != 3 || s.dim(2) < 1 || s.dim(3) < 1
                    || s.dim(2) > RgbImage.MAX_SIDE || s.dim(3) > RgbImage.MAX_SIDE) {
                throw new IllegalStateException("decoder '" + name + "' returned " + s + " for " + n
                        + " latents; expected [" + n + ", 3, H, W] with sides up to " + RgbImage.MAX_SIDE);
            }
            int h = (int) s.dim(2);
            int w = (int) s.dim(3);
            float[] pixels = t.floats();
            for (int i = 0; i < n; i++) {
                images.add(toRgb(pixels, i * 3 * h * w, w, h));
            }
        }
        return images;
    }

    /**
     * A decoded CHW image in [-1, 1] as 8-bit RGB, as diffusers maps it: {@code (x / 2 + 0.5).clamp(0, 1)} in
     * float32, then {@code (x * 255).round()} (half to even); NaN becomes 0.
     */
    static RgbImage toRgb(float[] chw, int offset, int width, int height) {
        int plane = width * height;
        byte[] rgb = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = chw[offset + c * plane + p] / 2f + 0.5f;
                v = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
                rgb[3 * p + c] = (byte) (int) Math.rint(v * 255f);
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
