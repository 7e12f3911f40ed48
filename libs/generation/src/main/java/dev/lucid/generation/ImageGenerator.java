package dev.lucid.generation;

import java.util.List;

/** Makes images for one model. */
public interface ImageGenerator {
    /** The model's content fingerprint (part of every image key). */
    String fingerprint();

    /** One image per item, in item order; items are batched into as few backend calls as the backend allows. */
    List<GeneratedImage> generate(List<GenerationItem> items, GenerationSettings settings) throws Exception;

    /** The guidance scale a request that leaves it 0 gets: the model's own default where its config names one. */
    default double defaultGuidanceScale() {
        return GenerationParamsMapping.DEFAULT_GUIDANCE;
    }

    /** Prompt embeddings: the pooled vector, or the flattened per-token sequence. */
    List<float[]> encodePrompts(List<String> prompts, boolean sequence) throws Exception;
}
