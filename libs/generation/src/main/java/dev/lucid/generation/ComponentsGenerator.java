package dev.lucid.generation;

import com.google.protobuf.CodedOutputStream;
import dev.lucid.diffusion.DdimSampler;
import dev.lucid.diffusion.Denoiser;
import dev.lucid.diffusion.GaussianNoise;
import dev.lucid.diffusion.InitialNoise;
import dev.lucid.diffusion.NoiseSchedule;
import dev.lucid.diffusion.SchedulerConfig;
import dev.lucid.diffusion.TorchCpuNoise;
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
import dev.lucid.tokenizers.PromptTokenizer;
import inference.ModelConfigOuterClass.ModelConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Components mode: the text encoder and the denoiser are separate backend models and Lucid runs
 * DDIM (with guidance, negative prompts and SLD) in Java. The denoiser's config parameters are its
 * scheduler config (diffusers' keys: {@code prediction_type}, {@code num_train_timesteps},
 * {@code beta_schedule}, {@code steps_offset}, … see {@link SchedulerConfig}); its metadata gives the
 * sample and text-state shapes. The catalog entry chooses the initial noise. With a decoder (latent
 * diffusion) the sampler runs on latents, which the decoder turns into images ({@link LatentDecoder}).
 */
public final class ComponentsGenerator implements ImageGenerator {
    private final KServeClient client;
    private final T2iModel model;
    private final PromptTokenizer tokenizer;
    private volatile Backend backend;

    /** What is learned from the backend once. */
    private record Backend(String fingerprint, SchedulerConfig scheduler, NoiseSchedule schedule, int channels, int height, int width, int stateTokens, int stateDim, int maxBatch,
                           TimestepInput timestep, String denoiserOutput, int textBatch, DataType inputIds,
                           LatentDecoder decoder, double defaultGuidance) {
    }

    /** Rows per call of a model served unbatched with a dynamic first dimension. */
    static final int UNBATCHED_ROWS = 8;

    public ComponentsGenerator(KServeClient client, T2iModel model, PromptTokenizer tokenizer) {
        if (model.shape() != T2iModel.Shape.COMPONENTS) {
            throw new IllegalArgumentException("model '" + model.name() + "' is not a components model");
        }
        this.client = client;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    private Backend backend() {
        Backend b = backend;
        if (b == null) {
            synchronized (this) {
                if (backend == null) {
                    backend = discover();
                }
                b = backend;
            }
        }
        return b;
    }

    private Backend discover() {
        ModelConfig dc = client.modelConfig(model.denoiser());
        ModelConfig tc = client.modelConfig(model.textEncoder());
        ModelMetadata dm = client.modelMetadata(model.denoiser());
        Map<String, String> p = new LinkedHashMap<>();
        dc.getParametersMap().forEach((k, v) -> p.put(k, v.getStringValue()));
        SchedulerConfig scheduler;
        try {
            scheduler = SchedulerConfig.fromParameters(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("denoiser '" + model.denoiser() + "': " + e.getMessage(), e);
        }
        TensorSpec sample = spec(dm, "sample");
        TensorSpec states = spec(dm, "encoder_hidden_states");
        if (sample.shape().rank() != 4 || states.shape().rank() != 3) {
            throw new IllegalStateException("denoiser '" + model.denoiser() + "' must take sample [-1,C,H,W] and "
                    + "encoder_hidden_states [-1,L,D]; metadata says " + sample.shape() + " and " + states.shape());
        }
        if (dm.outputs().size() != 1) {
            throw new IllegalStateException("denoiser '" + model.denoiser() + "' must have one output, has " + dm.outputs());
        }
        // Unbatched (max_batch_size 0, as Stable Diffusion's UNet is served): the first dimension is the batch.
        boolean batched = dc.getMaxBatchSize() > 0;
        int maxBatch = batched ? dc.getMaxBatchSize() : unbatchedRows(sample, model.denoiser());
        if (maxBatch < 2) {
            throw new IllegalStateException("denoiser '" + model.denoiser() + "' must batch (max_batch_size >= 2, or 0 "
                    + "with a dynamic first dimension)");
        }
        TimestepInput timestep = TimestepInput.of(spec(dm, "timestep"), batched, model.denoiser());
        int channels = (int) sample.shape().dim(1);
        int[] side = spatialSize(sample.shape());
        int stateDim = (int) states.shape().dim(2);
        int stateTokens = states.shape().dim(1) > 0 ? (int) states.shape().dim(1) : tokenizer.contextLength();
        if (channels < 1 || stateDim < 1) {
            throw new IllegalStateException("denoiser '" + model.denoiser() + "' must fix its channels and state width; "
                    + "metadata says " + sample.shape() + " and " + states.shape());
        }
        ModelMetadata tm = client.modelMetadata(model.textEncoder());
        DataType inputIds = spec(tm, "input_ids").dataType();
        if (inputIds != DataType.INT64 && inputIds != DataType.INT32) {
            throw new IllegalStateException("text encoder '" + model.textEncoder() + "': input_ids must be INT64 or INT32, "
                    + "metadata says " + inputIds);
        }
        int textBatch = tc.getMaxBatchSize() > 0 ? tc.getMaxBatchSize() : unbatchedRows(spec(tm, "input_ids"), model.textEncoder());
        LatentDecoder decoder = model.latent() == null ? null
                : LatentDecoder.discover(client, model.latent(), channels, model.name());
        String fingerprint = ImageKey.sha256(fingerprintParts(hex(tc), hex(dc), scheduler, decoder, side)
                .toArray(String[]::new));
        return new Backend(fingerprint, scheduler, NoiseSchedule.of(scheduler), channels, side[0], side[1], stateTokens,
                stateDim, maxBatch, timestep, dm.outputs().get(0).name(), textBatch, inputIds, decoder,
                defaultGuidance(p.get(GenerationParamsMapping.GUIDANCE_DEFAULT_PARAMETER)));
    }

    /** The denoiser's own default guidance scale, when its config names a valid one. */
    private double defaultGuidance(String configured) {
        if (configured == null) {
            return GenerationParamsMapping.DEFAULT_GUIDANCE;
        }
        try {
            double w = Double.parseDouble(configured);
            if (w > 0 && w <= 100) {
                return w;
            }
        } catch (NumberFormatException e) {
            // refused below, naming the parameter
        }
        throw new IllegalStateException("denoiser '" + model.denoiser() + "': parameter "
                + GenerationParamsMapping.GUIDANCE_DEFAULT_PARAMETER + " must be a number in (0, 100], got '" + configured + "'");
    }

    @Override
    public double defaultGuidanceScale() {
        return backend().defaultGuidance();
    }

    private static int unbatchedRows(TensorSpec first, String model) {
        long d = first.shape().rank() == 0 ? 0 : first.shape().dim(0);
        if (d == 0 || d < -1) {
            throw new IllegalStateException("model '" + model + "' is served unbatched and its input '" + first.name()
                    + "' has no batch dimension: " + first.shape());
        }
        return d == -1 ? UNBATCHED_ROWS : (int) Math.min(d, UNBATCHED_ROWS);
    }

    /**
     * Height and width of the denoiser's samples: fixed in its metadata, or (dynamic, as in optimum's
     * exports) the catalog entry's sample_size.
     */
    private int[] spatialSize(TensorShape sample) {
        long h = sample.dim(2);
        long w = sample.dim(3);
        int configured = model.latent() == null ? 0 : model.latent().sampleSize();
        if (h > 0 && w > 0) {
            if (configured > 0 && (configured != h || configured != w)) {
                throw new IllegalStateException("model '" + model.name() + "': sample_size " + configured
                        + " disagrees with denoiser '" + model.denoiser() + "', whose sample is " + sample);
            }
            return new int[]{(int) h, (int) w};
        }
        if (configured == 0) {
            throw new IllegalStateException("model '" + model.name() + "': denoiser '" + model.denoiser()
                    + "' has dynamic spatial dimensions " + sample + "; the catalog entry needs sample_size");
        }
        return new int[]{h > 0 ? (int) h : configured, w > 0 ? (int) w : configured};
    }

    /**
     * What decides a model's images: names and configs of both backends and the tokenizer; then, only
     * where they differ from what Lucid first did (so earlier fingerprints stay valid), the initial noise
     * and the scheduler config as read for a diffusers-style schedule (whose missing keys now mean
     * Stable Diffusion's values).
     */
    private List<String> fingerprintParts(String textEncoderConfig, String denoiserConfig, SchedulerConfig scheduler,
                                          LatentDecoder decoder, int[] side) {
        List<String> parts = new ArrayList<>(List.of("lucid.model.v1", model.name(), model.textEncoder(),
                textEncoderConfig, model.denoiser(), denoiserConfig, tokenizerFingerprint()));
        if (model.noise() != T2iModel.Noise.JAVA) {
            parts.add("noise=" + model.noise().key());
        }
        if (scheduler.betaSchedule() != SchedulerConfig.BetaSchedule.COSINE) {
            parts.add("scheduler=" + scheduler.canonical());
        }
        if (decoder != null) {
            parts.add("decoder=" + model.latent().decoder());
            parts.add(hex(decoder.config()));
            parts.add(String.format(java.util.Locale.ROOT, "latent_scale=%.9g;latent=%dx%d", model.latent().scale(),
                    side[0], side[1]));
        }
        return parts;
    }

    private InitialNoise initialNoise() {
        return switch (model.noise()) {
            case JAVA -> GaussianNoise.JAVA_RANDOM;
            case TORCH -> TorchCpuNoise.INSTANCE;
        };
    }

    private String tokenizerFingerprint() {
        return tokenizer.fingerprint();
    }

    private static TensorSpec spec(ModelMetadata m, String name) {
        return m.input(name).orElseThrow(() -> new IllegalStateException("model '" + m.name() + "' has no input '"
                + name + "'; inputs are " + m.inputs().stream().map(TensorSpec::name).toList()));
    }

    /** Deterministic bytes of a config without its serving settings (map entries sorted), for fingerprints. */
    private static String hex(ModelConfig config) {
        ModelConfig c = ServingSettings.strip(config);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            cos.useDeterministicSerialization();
            c.writeTo(cos);
            cos.flush();
            return PngCodec.sha256(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String fingerprint() {
        return backend().fingerprint();
    }

    @Override
    public List<float[]> encodePrompts(List<String> prompts, boolean sequence) {
        Backend b = backend();
        List<float[]> states = encode(prompts.stream().map(tokenizer::modelInput).toList(), b);
        if (sequence) {
            return states;
        }
        List<float[]> pooled = new ArrayList<>(states.size());
        for (float[] s : states) {
            pooled.add(pooled(s, b));
        }
        return pooled;
    }

    /** Per-token states of each id sequence, batched up to the text encoder's batch limit. */
    private List<float[]> encode(List<long[]> ids, Backend b) {
        List<float[]> out = new ArrayList<>(ids.size());
        int len = tokenizer.contextLength();
        for (int start = 0; start < ids.size(); start += b.textBatch()) {
            int n = Math.min(b.textBatch(), ids.size() - start);
            long[] flat = new long[n * len];
            for (int i = 0; i < n; i++) {
                System.arraycopy(ids.get(start + i), 0, flat, i * len, len);
            }
            Tensor input = b.inputIds() == DataType.INT32
                    ? Tensor.ofInts("input_ids", TensorShape.of(n, len), java.util.Arrays.stream(flat).mapToInt(Math::toIntExact).toArray())
                    : Tensor.ofLongs("input_ids", TensorShape.of(n, len), flat);
            InferenceResult r = client.infer(InferenceRequest.builder(model.textEncoder())
                    .input(input)
                    .output("last_hidden_state").build());
            float[] states = r.output("last_hidden_state").floats();
            int per = b.stateTokens() * b.stateDim();
            if (states.length != n * per) {
                throw new IllegalStateException("text encoder '" + model.textEncoder() + "' returned "
                        + r.output("last_hidden_state").shape() + ", expected [" + n + ", " + b.stateTokens() + ", "
                        + b.stateDim() + "]");
            }
            for (int i = 0; i < n; i++) {
                out.add(java.util.Arrays.copyOfRange(states, i * per, (i + 1) * per));
            }
        }
        return out;
    }

    @Override
    public List<GeneratedImage> generate(List<GenerationItem> items, GenerationSettings settings) throws Exception {
        Backend b = backend();
        // Distinct conditionings: index 0 = unconditional (null caption or negative prompt), then SLD concept, then prompts.
        List<long[]> ids = new ArrayList<>();
        ids.add(settings.negativePrompt().isEmpty() ? tokenizer.unconditionalInput() : tokenizer.modelInput(settings.negativePrompt()));
        int concept = -1;
        if (settings.safety() != null) {
            concept = ids.size();
            ids.add(tokenizer.modelInput(settings.safetyConcept()));
        }
        RiskAdaptiveGuidance adaptive = settings.adaptive();
        int emptyPrompt = -1;
        int adaptiveNegative = -1;
        if (adaptive != null) {
            emptyPrompt = ids.size();
            ids.add(tokenizer.modelInput(""));
            if (!adaptive.negativePrompt().isEmpty()) {
                adaptiveNegative = ids.size();
                ids.add(tokenizer.modelInput(adaptive.negativePrompt()));
            }
        }
        Map<String, Integer> promptIndex = new LinkedHashMap<>();
        for (GenerationItem it : items) {
            promptIndex.computeIfAbsent(it.prompt(), p -> {
                ids.add(tokenizer.modelInput(p));
                return ids.size() - 1;
            });
        }
        List<float[]> states = encode(ids, b);
        // Pooled once per call: the concept and the empty prompt are the same for every item.
        float[] conceptPooled = adaptive == null ? null : pooled(states.get(concept), b);
        float[] emptyPooled = adaptive == null ? null : pooled(states.get(emptyPrompt), b);
        List<DdimSampler.Item> sampleItems = new ArrayList<>();
        for (GenerationItem it : items) {
            int prompt = promptIndex.get(it.prompt());
            if (adaptive == null) {
                sampleItems.add(new DdimSampler.Item(it.seed(), prompt, 0, concept));
                continue;
            }
            double risk = RiskAdaptiveGuidance.risk(pooled(states.get(prompt), b), conceptPooled, emptyPooled);
            int unconditional = adaptive.usesNegativePrompt(risk) ? adaptiveNegative : 0;
            sampleItems.add(new DdimSampler.Item(it.seed(), prompt, unconditional, concept, adaptive.weight(risk)));
        }
        DdimSampler sampler = DdimSampler.forConfig(b.scheduler(), b.schedule(), settings.steps(),
                settings.guidanceScale(), settings.safety(), initialNoise());
        int sampleSize = b.channels() * b.height() * b.width();
        List<RgbImage> images = new ArrayList<>(items.size());
        if (b.decoder() == null) {
            for (float[] pixels : sampler.sample(denoiser(b, states), sampleItems, sampleSize)) {
                images.add(RgbImage.fromChw(pixels, b.width(), b.height()));
            }
        } else {
            images = b.decoder().decode(sampler.sampleLatents(denoiser(b, states), sampleItems, sampleSize),
                    b.channels(), b.height(), b.width());
        }
        List<GeneratedImage> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            GenerationItem it = items.get(i);
            RgbImage image = images.get(i);
            byte[] png = PngCodec.encode(image);
            out.add(new GeneratedImage(it.promptId(), it.seed(), ImageKey.of(b.fingerprint(), it.prompt(), it.seed(), settings),
                    PngCodec.sha256(png), png, image.width(), image.height()));
        }
        return out;
    }

    /** A text's pooled embedding from its per-token states, as {@link #encodePrompts} pools them. */
    private static float[] pooled(float[] states, Backend b) {
        return TextEncoder.meanOverTokens(states, b.stateTokens(), b.stateDim());
    }

    /** The backend denoiser as the sampler sees it: rows are split into calls of at most max_batch_size. */
    private Denoiser denoiser(Backend b, List<float[]> states) {
        int sampleSize = b.channels() * b.height() * b.width();
        int stateSize = b.stateTokens() * b.stateDim();
        return (samples, rows, timesteps, conditioning) -> {
            float[] out = new float[rows * sampleSize];
            for (int start = 0; start < rows; start += b.maxBatch()) {
                int n = Math.min(b.maxBatch(), rows - start);
                float[] x = java.util.Arrays.copyOfRange(samples, start * sampleSize, (start + n) * sampleSize);
                float[] ehs = new float[n * stateSize];
                for (int r = 0; r < n; r++) {
                    System.arraycopy(states.get(conditioning[start + r]), 0, ehs, r * stateSize, stateSize);
                }
                Tensor tTensor = b.timestep().tensor(timesteps, start, n);
                InferenceResult r = client.infer(InferenceRequest.builder(model.denoiser())
                        .input(Tensor.ofFloats("sample", TensorShape.of(n, b.channels(), b.height(), b.width()), x))
                        .input(tTensor)
                        .input(Tensor.ofFloats("encoder_hidden_states", TensorShape.of(n, b.stateTokens(), b.stateDim()), ehs))
                        .build());
                float[] pred = r.output(b.denoiserOutput()).floats();
                if (pred.length != n * sampleSize) {
                    throw new IllegalStateException("denoiser '" + model.denoiser() + "' returned "
                            + r.output(b.denoiserOutput()).shape() + " for " + n + " rows");
                }
                System.arraycopy(pred, 0, out, start * sampleSize, pred.length);
            }
            return out;
        };
    }
}
