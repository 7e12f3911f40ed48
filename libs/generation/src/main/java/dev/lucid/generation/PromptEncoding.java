package dev.lucid.generation;

import dev.lucid.api.v1.EncodePromptsResponse;
import dev.lucid.api.v1.Embedding;

import java.util.ArrayList;
import java.util.List;

/**
 * The bounds of the generator's {@code EncodePrompts} and the client side of them. A request carries at most
 * {@link #MAX_PROMPTS} prompts and its answer at most {@link #MAX_VALUES} floats (prompts × dimension: about 64 MiB
 * on the wire); the server encodes {@link #SERVER_CHUNK} prompts at a time, so the backend never sees more
 * whatever the request's length. Clients send longer lists in several requests ({@link #inChunks}): pooled vectors
 * in requests of {@link #POOLED_CHUNK} prompts, per-token sequences (77 × 768 floats a prompt for Stable
 * Diffusion's encoder) in requests of {@link #SEQUENCE_CHUNK}.
 */
public final class PromptEncoding {
    /** Most prompts in one request. */
    public static final int MAX_PROMPTS = 65_536;
    /** Most floats in one answer (prompts × dimension). */
    public static final long MAX_VALUES = 16L << 20;
    /** Prompts the server encodes at a time. */
    public static final int SERVER_CHUNK = 256;
    /** Prompts per request of a client asking for pooled vectors. */
    public static final int POOLED_CHUNK = 1024;
    /** Prompts per request of a client asking for per-token sequences (SD: 128 × 59,136 floats, within MAX_VALUES). */
    public static final int SEQUENCE_CHUNK = 128;

    /** One request: embeddings of a list of prompts, in order. */
    @FunctionalInterface
    public interface Call {
        List<float[]> encode(List<String> prompts) throws Exception;
    }

    private PromptEncoding() {
    }

    /** Embeddings of any number of prompts, asked for {@code chunk} prompts at a time; checks each answer's length. */
    public static List<float[]> inChunks(List<String> prompts, int chunk, Call call) throws Exception {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk: must be >= 1, got " + chunk);
        }
        List<float[]> out = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += chunk) {
            List<String> part = prompts.subList(start, Math.min(prompts.size(), start + chunk));
            List<float[]> e = call.encode(part);
            if (e.size() != part.size()) {
                throw new IllegalStateException("encoder returned " + e.size() + " embeddings for " + part.size() + " prompts");
            }
            out.addAll(e);
        }
        return out;
    }

    /** The vectors of an answer, in order. */
    public static List<float[]> vectors(EncodePromptsResponse r) {
        List<float[]> out = new ArrayList<>(r.getEmbeddingsCount());
        for (Embedding e : r.getEmbeddingsList()) {
            float[] v = new float[e.getValuesCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValues(i);
            }
            out.add(v);
        }
        return out;
    }
}
