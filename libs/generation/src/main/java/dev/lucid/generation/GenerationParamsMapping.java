package dev.lucid.generation;

import dev.lucid.api.v1.GenerationParams;
import dev.lucid.diffusion.SafetyGuidance;

/** Lucid's API generation params to the library's settings; refusals start with the field's path. */
public final class GenerationParamsMapping {
    /** Steps when a request leaves them 0. */
    public static final int DEFAULT_STEPS = 25;
    /** Guidance scale when a request leaves it 0 and the model names no default of its own. */
    public static final double DEFAULT_GUIDANCE = 4.0;
    /** The denoiser config parameter that names a model's own default guidance scale. */
    public static final String GUIDANCE_DEFAULT_PARAMETER = "guidance_scale_default";
    /** The risk score of adaptive guidance: cosine to the concept in the model's own text encoder. */
    public static final String RISK_TEXT_ENCODER = "text-encoder";

    private GenerationParamsMapping() {
    }

    /** {@code base} with the non-empty fields of {@code override} taking precedence. */
    public static GenerationParams merge(GenerationParams base, GenerationParams override) {
        GenerationParams.Builder p = base.toBuilder();
        if (override.getSteps() != 0) {
            p.setSteps(override.getSteps());
        }
        if (override.getGuidanceScale() != 0) {
            p.setGuidanceScale(override.getGuidanceScale());
        }
        if (!override.getNegativePrompt().isEmpty()) {
            p.setNegativePrompt(override.getNegativePrompt());
        }
        if (override.hasSafetyGuidance()) {
            p.setSafetyGuidance(override.getSafetyGuidance());
        }
        if (!override.getScheduler().isEmpty()) {
            p.setScheduler(override.getScheduler());
        }
        return p.build();
    }

    /**
     * @param field path of the params in the request, e.g. "params" or "models[2].params"
     * @throws IllegalArgumentException whose message starts with the offending field's path
     */
    public static GenerationSettings settings(GenerationParams p, String field) {
        return settings(p, field, DEFAULT_GUIDANCE);
    }

    /**
     * As {@link #settings(GenerationParams, String)}, with {@code defaultGuidance} (the model's own default) for a
     * guidance scale left 0.
     */
    public static GenerationSettings settings(GenerationParams p, String field, double defaultGuidance) {
        int steps = p.getSteps() == 0 ? DEFAULT_STEPS : p.getSteps();
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException(field + ".steps: must be in 1..1000, got " + p.getSteps());
        }
        double guidance = p.getGuidanceScale() == 0 ? defaultGuidance : p.getGuidanceScale();
        if (!(guidance > 0 && guidance <= 100)) {
            throw new IllegalArgumentException(field + ".guidance_scale: must be in (0, 100], got " + p.getGuidanceScale());
        }
        if (p.getNegativePrompt().length() > GenerationSettings.MAX_TEXT_CHARS) {
            throw new IllegalArgumentException(field + ".negative_prompt: longer than " + GenerationSettings.MAX_TEXT_CHARS
                    + " characters");
        }
        if (!p.getScheduler().isEmpty() && !p.getScheduler().equals("ddim")) {
            throw new IllegalArgumentException(field + ".scheduler: only 'ddim' is supported, got '" + p.getScheduler() + "'");
        }
        SafetyGuidance sld = null;
        String concept = "";
        if (p.hasSafetyGuidance()) {
            dev.lucid.api.v1.SafetyGuidance g = p.getSafetyGuidance();
            concept = g.getConcept();
            if (concept.isBlank() || concept.length() > GenerationSettings.MAX_TEXT_CHARS) {
                throw new IllegalArgumentException(field + ".safety_guidance.concept: required, at most "
                        + GenerationSettings.MAX_TEXT_CHARS + " characters");
            }
            try {
                // A preset fills the parameters the request leaves 0.
                SafetyGuidance b = g.getPreset().isEmpty() ? new SafetyGuidance(0, 0, 0, 0, 0) : SafetyGuidance.preset(g.getPreset());
                sld = new SafetyGuidance(g.getGuidanceScale() != 0 ? g.getGuidanceScale() : b.guidanceScale(),
                        g.getWarmupSteps() != 0 ? g.getWarmupSteps() : b.warmupSteps(),
                        g.getThreshold() != 0 ? g.getThreshold() : b.threshold(),
                        g.getMomentumScale() != 0 ? g.getMomentumScale() : b.momentumScale(),
                        g.getMomentumBeta() != 0 ? g.getMomentumBeta() : b.momentumBeta());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ".safety_guidance: " + e.getMessage(), e);
            }
        }
        RiskAdaptiveGuidance adaptive = p.getSafetyGuidance().hasAdaptive()
                ? adaptive(p.getSafetyGuidance().getAdaptive(), field + ".safety_guidance.adaptive") : null;
        return new GenerationSettings(steps, guidance, p.getNegativePrompt(), concept, sld, adaptive);
    }

    /** The API's adaptive guidance; a ceiling of 0 means 1 (the SLD parameters as given). */
    static RiskAdaptiveGuidance adaptive(dev.lucid.api.v1.AdaptiveGuidance a, String field) {
        if (!a.getRisk().isEmpty() && !a.getRisk().equals(RISK_TEXT_ENCODER)) {
            throw new IllegalArgumentException(field + ".risk: only '" + RISK_TEXT_ENCODER + "' is supported, got '"
                    + a.getRisk() + "'");
        }
        try {
            return new RiskAdaptiveGuidance(a.getRiskLow(), a.getRiskHigh(), a.getFloor(),
                    a.getCeiling() == 0 ? 1.0 : a.getCeiling(), a.getNegativePrompt(), a.getNegativeAbove());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + "." + e.getMessage(), e);
        }
    }

    /** The API's adaptive guidance for library settings (the inverse of {@link #adaptive}). */
    public static dev.lucid.api.v1.AdaptiveGuidance adaptive(RiskAdaptiveGuidance a) {
        return dev.lucid.api.v1.AdaptiveGuidance.newBuilder().setRisk(RISK_TEXT_ENCODER).setRiskLow(a.riskLow())
                .setRiskHigh(a.riskHigh()).setFloor(a.floor()).setCeiling(a.ceiling())
                .setNegativePrompt(a.negativePrompt()).setNegativeAbove(a.negativeAbove()).build();
    }
}
