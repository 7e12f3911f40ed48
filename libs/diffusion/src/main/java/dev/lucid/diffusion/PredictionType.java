package dev.lucid.diffusion;

/** What a denoiser predicts. */
public enum PredictionType {
    /** The added noise ε. */
    EPSILON,
    /** v = √ᾱ ε − √(1−ᾱ) x₀. */
    V_PREDICTION,
    /** The clean sample x₀ itself. */
    SAMPLE;

    /** Parses the config value ({@code epsilon}, {@code v_prediction}, {@code sample}). */
    public static PredictionType parse(String s) {
        return switch (s) {
            case "epsilon" -> EPSILON;
            case "v_prediction" -> V_PREDICTION;
            case "sample" -> SAMPLE;
            default -> throw new IllegalArgumentException("unknown prediction_type '" + s
                    + "' (epsilon, v_prediction, sample)");
        };
    }
}
