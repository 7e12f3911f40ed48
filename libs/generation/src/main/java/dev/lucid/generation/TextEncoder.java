package dev.lucid.generation;

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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text encoder served on its own ({@code input_ids} INT64/INT32 [B, L] → {@code last_hidden_state} FP32
 * [B, L, D]), as a pipeline model's catalog entry names it so that the pipeline's prompts can be embedded
 * (geometry, near-concept ranking) although the pipeline itself never shows its encoder. Prompts go to the
 * backend in batches of at most its batch size, so a request of any length reaches the backend bounded.
 */
public final class TextEncoder {
    private final KServeClient client;
    private final String model;
    private final PromptTokenizer tokenizer;
    private Backend backend;

    private record Backend(String fingerprint, DataType inputIds, int batch) {
    }

    public TextEncoder(KServeClient client, String model, PromptTokenizer tokenizer) {
        if (model == null || model.isBlank() || tokenizer == null) {
            throw new IllegalArgumentException("a text encoder needs a backend model name and a tokenizer");
        }
        this.client = client;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** The backend model name. */
    public String model() {
        return model;
    }

    /** sha-256 over the encoder's name, its backend config and the tokenizer (part of the owning model's fingerprint). */
    public String fingerprint() {
        return backend().fingerprint();
    }

    /** Learned from the backend on first use (the backend may be down when the generator starts). */
    private synchronized Backend backend() {
        if (backend == null) {
            backend = discover();
        }
        return backend;
    }

    private Backend discover() {
        ModelConfig config = client.modelConfig(model);
        ModelMetadata md = client.modelMetadata(model);
        TensorSpec ids = md.input("input_ids").orElseThrow(() -> new IllegalStateException("text encoder '" + model
                + "' has no input 'input_ids'; inputs are " + md.inputs().stream().map(TensorSpec::name).toList()));
        if (ids.dataType() != DataType.INT64 && ids.dataType() != DataType.INT32) {
            throw new IllegalStateException("text encoder '" + model + "': input_ids must be INT64 or INT32, metadata says "
                    + ids.dataType());
        }
        int batch = config.getMaxBatchSize() > 0 ? config.getMaxBatchSize() : ComponentsGenerator.UNBATCHED_ROWS;
        return new Backend(ImageKey.sha256("lucid.text-encoder.v1", model, ServingSettings.strip(config).toString(), tokenizer.fingerprint()),
                ids.dataType(), batch);
    }

    /** Per prompt: the mean over tokens of the last hidden state, or (sequence) the flattened [L × D] states. */
    public List<float[]> encode(List<String> prompts, boolean sequence) {
        Backend b = backend();
        int len = tokenizer.contextLength();
        List<float[]> out = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += b.batch()) {
            int n = Math.min(b.batch(), prompts.size() - start);
            long[] flat = new long[n * len];
            for (int i = 0; i < n; i++) {
                System.arraycopy(tokenizer.modelInput(prompts.get(start + i)), 0, flat, i * len, len);
            }
            Tensor input = b.inputIds() == DataType.INT32
                    ? Tensor.ofInts("input_ids", TensorShape.of(n, len), Arrays.stream(flat).mapToInt(Math::toIntExact).toArray())
                    : Tensor.ofLongs("input_ids", TensorShape.of(n, len), flat);
            InferenceResult r = client.infer(InferenceRequest.builder(model).input(input).output("last_hidden_state").build());
            Tensor t = r.output("last_hidden_state");
            TensorShape s = t.shape();
            if (s.rank() != 3 || s.dim(0) != n || s.dim(1) < 1 || s.dim(2) < 1) {
                throw new IllegalStateException("text encoder '" + model + "' returned last_hidden_state " + s + ", expected ["
                        + n + ", L, D]");
            }
            int tokens = (int) s.dim(1);
            int dim = (int) s.dim(2);
            float[] states = t.floats();
            for (int i = 0; i < n; i++) {
                float[] one = Arrays.copyOfRange(states, i * tokens * dim, (i + 1) * tokens * dim);
                out.add(sequence ? one : meanOverTokens(one, tokens, dim));
            }
        }
        return out;
    }

    /** The mean of {@code tokens} rows of width {@code dim}. */
    static float[] meanOverTokens(float[] states, int tokens, int dim) {
        float[] mean = new float[dim];
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < dim; d++) {
                mean[d] += states[t * dim + d] / tokens;
            }
        }
        return mean;
    }
}
