package dev.lucid.generator;

import dev.lucid.api.v1.GenerationParams;
import dev.lucid.diffusion.SafetyGuidance;
import dev.lucid.generation.GenerationSettings;

/** Lucid's API messages to the generation library's settings, with field-named validation errors. */
final class RequestMapping {
    private RequestMapping() {
    }

    /**
     * @throws IllegalArgumentException whose message starts with the offending field's path
     */
    static GenerationSettings settings(GenerationParams p) {
        int steps = p.getSteps() == 0 ? 25 : p.getSteps();
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("params.steps: must be in 1..1000, got " + p.getSteps());
        }
        double guidance = p.getGuidanceScale() == 0 ? 4.0 : p.getGuidanceScale();
        if (!(guidance > 0 && guidance <= 100)) {
            throw new IllegalArgumentException("params.guidance_scale: must be in (0, 100], got " + p.getGuidanceScale());
        }
        if (p.getNegativePrompt().length() > GenerationSettings.MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("params.negative_prompt: longer than " + GenerationSettings.MAX_TEXT_CHARS
                    + " characters");
        }
        if (!p.getScheduler().isEmpty() && !p.getScheduler().equals("ddim")) {
            throw new IllegalArgumentException("params.scheduler: only 'ddim' is supported, got '" + p.getScheduler() + "'");
        }
        SafetyGuidance sld = null;
        String concept = "";
        if (p.hasSafetyGuidance()) {
            dev.lucid.api.v1.SafetyGuidance g = p.getSafetyGuidance();
            concept = g.getConcept();
            if (concept.isBlank() || concept.length() > GenerationSettings.MAX_TEXT_CHARS) {
                throw new IllegalArgumentException("params.safety_guidance.concept: required, at most "
                        + GenerationSettings.MAX_TEXT_CHARS + " characters");
            }
            try {
                SafetyGuidance base = g.getPreset().isEmpty() ? new SafetyGuidance(0, 0, 0, 0, 0) : SafetyGuidance.preset(g.getPreset());
                sld = new SafetyGuidance(
                        g.getGuidanceScale() != 0 ? g.getGuidanceScale() : base.guidanceScale(),
                        g.getWarmupSteps() != 0 ? g.getWarmupSteps() : base.warmupSteps(),
                        g.getThreshold() != 0 ? g.getThreshold() : base.threshold(),
                        g.getMomentumScale() != 0 ? g.getMomentumScale() : base.momentumScale(),
                        g.getMomentumBeta() != 0 ? g.getMomentumBeta() : base.momentumBeta());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("params.safety_guidance: " + e.getMessage(), e);
            }
        }
        return new GenerationSettings(steps, guidance, p.getNegativePrompt(), concept, sld);
    }
}
