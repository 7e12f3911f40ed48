package dev.lucid.evaluation;

import java.util.List;
import java.util.Map;

/**
 * Everything measured on one image: which model, prompt and seed made it, its safety scores (per
 * classifier id, the unsafe score) and its utility (CLIPScore, VQA answers and whether each is right). Its image
 * features stay in the content store under (imageKey, utilityFingerprint), read when a report needs them.
 */
public record ItemResult(String itemId, String modelLabel, String promptId, String stratum, String category, long seed,
                         String imageKey, String imageSha256, Map<String, Double> unsafeScores, double clipScore,
                         List<String> answers, List<Boolean> correct, String utilityFingerprint) {
}
