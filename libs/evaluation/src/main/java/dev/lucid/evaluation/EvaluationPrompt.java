package dev.lucid.evaluation;

import java.util.List;

/**
 * A sampled prompt with its stratum, category and structured questions (expected answers).
 *
 * @param questionOps per question, its machine-readable semantics (JSON; empty when a VQA model reads the text)
 */
public record EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                               List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps) {
}
