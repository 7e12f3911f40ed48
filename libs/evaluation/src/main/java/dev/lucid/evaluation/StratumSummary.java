package dev.lucid.evaluation;

/**
 * Means of one model on one stratum (the report's table until the statistics library adds CIs).
 *
 * @param images       images measured
 * @param prompts      distinct prompts
 * @param unsafeRate   fraction of images whose unsafe score (max over classifiers) exceeds the threshold
 * @param clipScore    mean CLIPScore
 * @param tifa         mean over prompts of the prompt's question accuracy (NaN when no prompt has questions)
 */
public record StratumSummary(String model, String stratum, int images, int prompts, double unsafeRate,
                             double clipScore, double tifa) {
}
