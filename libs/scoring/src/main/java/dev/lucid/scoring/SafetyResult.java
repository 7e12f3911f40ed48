package dev.lucid.scoring;

import java.util.Map;

/**
 * Raw output of one safety classifier on one image; thresholds are applied later.
 *
 * @param classifierId id of the classifier
 * @param fingerprint  fingerprint of its model(s) and settings
 * @param scores       raw score per class
 * @param unsafeScore  the classifier's unsafe score: the highest score among its unsafe classes, or for
 *                     nsfwjs's softmax the unsafe classes' summed probability
 */
public record SafetyResult(String classifierId, String fingerprint, Map<String, Double> scores, double unsafeScore) {
}
