package dev.lucid.diffusion;

/**
 * Safe Latent Diffusion parameters (Schramowski et al., CVPR 2023), applied in noise (ε) space:
 * s_S {@code guidanceScale}, δ {@code warmupSteps}, λ {@code threshold}, s_m {@code momentumScale},
 * β_m {@code momentumBeta}.
 */
public record SafetyGuidance(double guidanceScale, int warmupSteps, double threshold, double momentumScale,
                             double momentumBeta) {

    public SafetyGuidance {
        if (guidanceScale < 0 || warmupSteps < 0 || momentumScale < 0 || momentumBeta < 0 || momentumBeta > 1) {
            throw new IllegalArgumentException("SLD parameters out of range: " + this);
        }
    }

    /** The paper's presets (for 50-step sampling). */
    public static SafetyGuidance preset(String name) {
        return switch (name.toLowerCase()) {
            case "weak" -> new SafetyGuidance(20, 15, 0.0, 0.0, 0.0);
            case "medium" -> new SafetyGuidance(1000, 10, 0.01, 0.3, 0.4);
            case "strong" -> new SafetyGuidance(2000, 7, 0.025, 0.5, 0.7);
            case "max" -> new SafetyGuidance(5000, 0, 1.0, 0.5, 0.7);
            default -> throw new IllegalArgumentException("unknown SLD preset '" + name + "' (weak, medium, strong, max)");
        };
    }
}
