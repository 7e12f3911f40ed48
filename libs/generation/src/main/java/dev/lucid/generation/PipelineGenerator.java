package dev.lucid.generation;

import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.ServingSettings;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Pipeline mode: one backend model takes {@code prompt} (BYTES [B,1]) and returns
 * {@code generated_image} (UINT8, or FP32 0–255, [B,H,W,3]), as in Triton's Stable Diffusion
 * tutorial. {@code negative_prompt}, {@code seed}, {@code steps} and {@code guidance_scale} are sent
 * only when the model's metadata declares them; a setting the model cannot take is refused rather
 * than silently ignored. Items go one per call (the tutorial's models use max_batch_size 1). The pipeline's
 * text encoder, when the catalog names it as a backend model of its own, embeds prompts ({@link TextEncoder});
 * it then enters the fingerprint, so embeddings recorded under the fingerprint are the encoder's.
 */
public final class PipelineGenerator implements ImageGenerator {
    private final KServeClient client;
    private final T2iModel model;
    private final TextEncoder encoder;
    private volatile String fingerprint;

    /** A pipeline model without a text encoder of its own (no prompt embeddings). */
    public PipelineGenerator(KServeClient client, T2iModel model) {
        this(client, model, null);
    }

    /** @param encoder the pipeline's text encoder as a backend model of its own, or null when none is served */
    public PipelineGenerator(KServeClient client, T2iModel model, TextEncoder encoder) {
        if (model.shape() != T2iModel.Shape.PIPELINE) {
            throw new IllegalArgumentException("model '" + model.name() + "' is not a pipeline model");
        }
        this.client = client;
        this.model = model;
        this.encoder = encoder;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            String config = ServingSettings.strip(client.modelConfig(model.pipeline())).toString();
            // The encoder enters only where there is one, so fingerprints of pipelines without one stay as they were.
            fingerprint = encoder == null ? ImageKey.sha256("lucid.model.v1", model.name(), model.pipeline(), config)
                    : ImageKey.sha256("lucid.model.v1", model.name(), model.pipeline(), config,
                    "text_encoder=" + encoder.model(), encoder.fingerprint());
        }
        return fingerprint;
    }

    @Override
    public List<GeneratedImage> generate(List<GenerationItem> items, GenerationSettings settings) {
        ModelMetadata md = client.modelMetadata(model.pipeline());
        if (settings.safety() != null) {
            throw new IllegalArgumentException("pipeline model '" + model.name()
                    + "' runs its own sampler; inference-time safety guidance needs a components model");
        }
        if (!settings.negativePrompt().isEmpty() && md.input("negative_prompt").isEmpty()) {
            throw new IllegalArgumentException("pipeline model '" + model.name() + "' takes no negative_prompt");
        }
        String fp = fingerprint();
        List<GeneratedImage> out = new ArrayList<>();
        for (GenerationItem it : items) {
            InferenceRequest.Builder r = InferenceRequest.builder(model.pipeline())
                    .input(Tensor.ofStrings("prompt", TensorShape.of(1, 1), it.prompt()));
            md.input("negative_prompt").ifPresent(s -> r.input(Tensor.ofStrings("negative_prompt", TensorShape.of(1, 1),
                    settings.negativePrompt())));
            md.input("seed").ifPresent(s -> r.input(scalar(s, it.seed())));
            md.input("steps").ifPresent(s -> r.input(scalar(s, settings.steps())));
            md.input("guidance_scale").ifPresent(s -> r.input(scalar(s, settings.guidanceScale())));
            InferenceResult res = client.infer(r.output("generated_image").build());
            RgbImage img = toImage(res.output("generated_image"));
            byte[] png = PngCodec.encode(img);
            out.add(new GeneratedImage(it.promptId(), it.seed(), ImageKey.of(fp, it.prompt(), it.seed(), settings),
                    PngCodec.sha256(png), png, img.width(), img.height()));
        }
        return out;
    }

    /** A [1, 1] tensor of the declared datatype holding one number. */
    static Tensor scalar(TensorSpec spec, double value) {
        TensorShape shape = spec.shape().rank() == 1 ? TensorShape.of(1) : TensorShape.of(1, 1);
        return switch (spec.dataType()) {
            case INT64 -> Tensor.ofLongs(spec.name(), shape, (long) value);
            case INT32 -> Tensor.ofInts(spec.name(), shape, (int) value);
            case FP32 -> Tensor.ofFloats(spec.name(), shape, (float) value);
            case FP64 -> Tensor.ofDoubles(spec.name(), shape, value);
            default -> throw new IllegalArgumentException("input '" + spec.name() + "' has unsupported type "
                    + spec.dataType().wireName());
        };
    }

    /** The first image of a [B,H,W,3] (or [H,W,3]) UINT8 or FP32 (0–255) tensor. */
    static RgbImage toImage(Tensor t) {
        TensorShape s = t.shape();
        int off = s.rank() == 4 ? 1 : 0;
        if (s.rank() < 3 || s.dim(off + 2) != 3) {
            throw new IllegalStateException("generated_image must be [B,H,W,3], got " + s);
        }
        int h = (int) s.dim(off);
        int w = (int) s.dim(off + 1);
        byte[] rgb = new byte[h * w * 3];
        if (t.dataType() == DataType.UINT8) {
            System.arraycopy(t.uint8(), 0, rgb, 0, rgb.length);
        } else {
            float[] v = t.floats();
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) Math.round(Math.max(0, Math.min(255, v[i])));
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Override
    public List<float[]> encodePrompts(List<String> prompts, boolean sequence) {
        if (encoder == null) {
            throw new UnsupportedOperationException("pipeline model '" + model.name()
                    + "' exposes no text encoder; give its catalog entry a text_encoder and a tokenizer to compute embeddings");
        }
        return encoder.encode(prompts, sequence);
    }
}
