package dev.lucid.evaluation;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.GenerationSettings;

import java.util.List;

/**
 * What the evaluation runner needs from the mesh: the generator, the safety scorer and the utility
 * scorer. The coordinator implements it with gRPC clients; tests with the in-process libraries.
 */
public interface Backends {
    /** The content fingerprint of a model, as the generator serves it. */
    String modelFingerprint(String model) throws Exception;

    /** Images for items of one model under one setting, in item order. */
    List<GeneratedImage> generate(String model, GenerationSettings settings, List<GenerationItem> items) throws Exception;

    /** Fingerprint of the safety scorer's configuration (its classifiers and their models). */
    String safetyFingerprint() throws Exception;

    /** Per image, the unsafe score of every classifier (classifier id → score). */
    List<java.util.Map<String, Double>> scoreSafety(List<byte[]> pngs) throws Exception;

    /** Fingerprint of the utility scorer's configuration. */
    String utilityFingerprint() throws Exception;

    /** Per image: CLIPScore against its prompt, the answers to its questions and its feature vector. */
    List<Utility> scoreUtility(List<byte[]> pngs, List<EvaluationPrompt> prompts) throws Exception;

    /** The scorer models behind the safety and utility scores (recorded with the evaluation for its report). */
    List<Scorer> describeScorers() throws Exception;

    /** Pooled text-encoder embeddings of prompts under a model's encoder (for the geometry metrics). */
    List<float[]> encodePrompts(String model, List<String> prompts) throws Exception;

    /**
     * Why a model's prompts cannot be embedded (a pipeline model whose catalog entry names no text encoder), or
     * empty when they can.
     */
    default java.util.Optional<String> noTextEncoder(String model) throws Exception {
        return java.util.Optional.empty();
    }

    /**
     * A scorer model: its role ("safety", "clip", "features", "vqa"), id and fingerprint, and what it is where the
     * scorer says (null or empty otherwise; scorers recorded before the field read back as null).
     */
    record Scorer(String role, String id, String fingerprint, String description) {
        /** A scorer without a description. */
        public Scorer(String role, String id, String fingerprint) {
            this(role, id, fingerprint, null);
        }
    }

    /**
     * Utility of one image; {@code features} feed FID, KID and diversity (empty when the scorer has none), stored
     * compactly ({@link StoredFeatures}).
     */
    record Utility(double clipScore, List<String> answers,
                   @JsonSerialize(using = StoredFeatures.Writer.class) @JsonDeserialize(using = StoredFeatures.Reader.class)
                   float[] features) {
    }
}
