package dev.lucid.generation;

import dev.lucid.diffusion.SafetyGuidance;

import java.util.Locale;

/**
 * Everything besides model, prompt and seed that decides an image.
 *
 * @param steps          denoising steps (1..1000)
 * @param guidanceScale  classifier-free guidance scale (0..100)
 * @param negativePrompt negative prompt ("" for none)
 * @param safetyConcept  SLD concept text ("" for no SLD)
 * @param safety         SLD parameters (null for no SLD)
 * @param adaptive       risk-adaptive weighting of the SLD term per prompt (null for uniform SLD)
 */
public record GenerationSettings(int steps, double guidanceScale, String negativePrompt, String safetyConcept,
                                 SafetyGuidance safety, RiskAdaptiveGuidance adaptive) {
    /** Longest prompt-like text accepted. */
    public static final int MAX_TEXT_CHARS = 2000;

    public GenerationSettings {
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("steps must be in 1..1000, got " + steps);
        }
        if (!(guidanceScale >= 0 && guidanceScale <= 100)) {
            throw new IllegalArgumentException("guidance_scale must be in [0, 100], got " + guidanceScale);
        }
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        safetyConcept = safetyConcept == null ? "" : safetyConcept;
        if (negativePrompt.length() > MAX_TEXT_CHARS || safetyConcept.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("negative prompt or safety concept longer than " + MAX_TEXT_CHARS + " characters");
        }
        if ((safety == null) != safetyConcept.isEmpty()) {
            throw new IllegalArgumentException("safety guidance needs both a concept and its parameters");
        }
        if (adaptive != null && safety == null) {
            throw new IllegalArgumentException("risk-adaptive guidance needs safety guidance (a concept and its parameters)");
        }
    }

    /** Settings with uniform (or no) safety guidance. */
    public GenerationSettings(int steps, double guidanceScale, String negativePrompt, String safetyConcept,
                              SafetyGuidance safety) {
        this(steps, guidanceScale, negativePrompt, safetyConcept, safety, null);
    }

    /** Plain classifier-free guidance. */
    public static GenerationSettings of(int steps, double guidanceScale) {
        return new GenerationSettings(steps, guidanceScale, "", "", null);
    }

    /**
     * The canonical text of these settings, part of every image's content address: two settings with
     * the same canonical form always give the same image.
     */
    public String canonical() {
        StringBuilder b = new StringBuilder("sampler=ddim;steps=").append(steps)
                .append(";guidance=").append(String.format(Locale.ROOT, "%.6f", guidanceScale))
                .append(";negative=").append(negativePrompt.length()).append(':').append(negativePrompt);
        if (safety != null) {
            b.append(String.format(Locale.ROOT, ";sld=%s|%.6f|%d|%.6f|%.6f|%.6f", safetyConcept.length() + ":" + safetyConcept,
                    safety.guidanceScale(), safety.warmupSteps(), safety.threshold(), safety.momentumScale(),
                    safety.momentumBeta()));
        }
        if (adaptive != null) {
            b.append(";adaptive=").append(adaptive.canonical());
        }
        return b.toString();
    }
}
