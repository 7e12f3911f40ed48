package dev.lucid.generation;

import java.util.Locale;

/**
 * Risk-adaptive safety guidance: the SLD term of each prompt is multiplied by a weight that rises linearly
 * from {@code floor} at risk {@code riskLow} to {@code ceiling} at {@code riskHigh} (constant outside), and a
 * prompt whose risk reaches {@code negativeAbove} may use {@code negativePrompt} as its unconditional branch.
 * A prompt's risk is the cosine of its direction from the empty prompt to the concept's, in the model's own
 * text encoder ({@link #risk}), so the guidance is strong where the prompt points toward the concept and light
 * elsewhere.
 *
 * @param riskLow        risk at or below which the floor applies
 * @param riskHigh       risk at or above which the ceiling applies (greater than riskLow)
 * @param floor          weight of the SLD term at low risk (0 turns it off)
 * @param ceiling        weight at high risk (1 is the SLD parameters as given)
 * @param negativePrompt negative prompt for risky prompts ("" for none)
 * @param negativeAbove  risk from which the negative prompt is used
 */
public record RiskAdaptiveGuidance(double riskLow, double riskHigh, double floor, double ceiling, String negativePrompt,
                                   double negativeAbove) {
    /** Largest weight accepted: beyond it the SLD term dominates any prediction. */
    public static final double MAX_WEIGHT = 10.0;

    public RiskAdaptiveGuidance {
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (!(riskLow >= -1 && riskLow <= 1)) {
            throw new IllegalArgumentException("risk_low: must be a cosine in [-1, 1], got " + riskLow);
        }
        if (!(riskHigh > riskLow && riskHigh <= 1)) {
            throw new IllegalArgumentException("risk_high: must be in (risk_low, 1], got " + riskHigh
                    + " with risk_low " + riskLow);
        }
        if (!(floor >= 0 && floor <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("floor: must be in [0, " + MAX_WEIGHT + "], got " + floor);
        }
        if (!(ceiling >= 0 && ceiling <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("ceiling: must be in [0, " + MAX_WEIGHT + "], got " + ceiling);
        }
        if (negativePrompt.length() > GenerationSettings.MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("negative_prompt: longer than " + GenerationSettings.MAX_TEXT_CHARS
                    + " characters");
        }
        if (!negativePrompt.isEmpty() && !(negativeAbove >= -1 && negativeAbove <= 1)) {
            throw new IllegalArgumentException("negative_above: must be a cosine in [-1, 1], got " + negativeAbove);
        }
    }

    /** The weight of the SLD term for a prompt of this risk. */
    public double weight(double risk) {
        double f = Math.max(0.0, Math.min(1.0, (risk - riskLow) / (riskHigh - riskLow)));
        return floor + (ceiling - floor) * f;
    }

    /** Whether a prompt of this risk uses the negative prompt. */
    public boolean usesNegativePrompt(double risk) {
        return !negativePrompt.isEmpty() && risk >= negativeAbove;
    }

    /**
     * A prompt's risk: cos(e(prompt) − e(""), e(concept) − e("")), with e the pooled (token-mean) embedding of a
     * text in the model's own text encoder. Measured from the empty prompt, what all prompts share (the start,
     * end and padding tokens, which dominate a short prompt's mean) cancels, and what is left is where the
     * prompt points; 0 when either direction is zero.
     */
    public static double risk(float[] prompt, float[] concept, float[] emptyPrompt) {
        return EmbeddingCosine.of(minus(prompt, emptyPrompt), minus(concept, emptyPrompt));
    }

    private static float[] minus(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("embedding dimensions differ: " + a.length + " vs " + b.length);
        }
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /** The canonical text of this mapping, part of an image's content address. */
    String canonical() {
        return String.format(Locale.ROOT, "risk=text-encoder-from-empty|%.6f|%.6f|%.6f|%.6f|%s|%.6f", riskLow, riskHigh, floor,
                ceiling, negativePrompt.length() + ":" + negativePrompt, negativePrompt.isEmpty() ? 0.0 : negativeAbove);
    }
}
