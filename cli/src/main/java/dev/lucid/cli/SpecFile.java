package dev.lucid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.MetricSelection;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.AdaptiveGuidance;
import dev.lucid.api.v1.SafetyGuidance;
import dev.lucid.api.v1.Stratum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Evaluation specs as YAML files (schema in the README; example in examples/mini-world.yaml). Unknown
 * keys are refused, so a misspelt field never silently takes its default.
 */
final class SpecFile {
    static final long MAX_BYTES = 1 << 20;

    private SpecFile() {
    }

    static EvaluationSpec read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": larger than 1 MiB");
        }
        return parse(Files.readString(file));
    }

    /** Parses the YAML text of a spec; malformed YAML is an {@link IOException} with its line and column. */
    static EvaluationSpec parse(String yaml) throws IOException {
        return parse(new ObjectMapper(new YAMLFactory()).readTree(yaml));
    }

    static EvaluationSpec parse(JsonNode root) {
        only(root, "spec", "name", "baseline", "sampling_seed", "seeds_per_prompt", "base_seed", "ignore_suite_seeds", "params",
                "models", "quotas", "bootstrap_samples", "equivalence_margin", "jaccard_k", "fid_reference");
        EvaluationSpec.Builder b = EvaluationSpec.newBuilder()
                .setName(root.path("name").asText(""))
                .setBaseline(root.path("baseline").asText(""))
                .setSamplingSeed(root.path("sampling_seed").asLong(0))
                .setSeedsPerPrompt(root.path("seeds_per_prompt").asInt(1))
                .setBaseSeed(root.path("base_seed").asLong(0))
                .setIgnoreSuiteSeeds(root.path("ignore_suite_seeds").asBoolean(false))
                .setBootstrapSamples(root.path("bootstrap_samples").asInt(0))
                .setEquivalenceMargin(root.path("equivalence_margin").asDouble(0));
        if (root.has("jaccard_k") || root.has("fid_reference")) {
            // fid_reference: reference statistics <id>.npz on the coordinator (lucid.coordinator.fid-references).
            b.setMetrics(MetricSelection.newBuilder().setJaccardK(root.path("jaccard_k").asInt(0))
                    .setFidReference(root.path("fid_reference").asText("")));
        }
        if (root.has("params")) {
            b.setParams(params(root.get("params"), "params"));
        }
        int i = 0;
        for (JsonNode m : root.path("models")) {
            String f = "models[" + i++ + "]";
            only(m, f, "label", "model", "params");
            EvaluatedModel.Builder mb = EvaluatedModel.newBuilder().setLabel(m.path("label").asText(""))
                    .setModel(ModelRef.newBuilder().setName(m.path("model").asText("")));
            if (m.has("params")) {
                mb.setParams(params(m.get("params"), f + ".params"));
            }
            b.addModels(mb);
        }
        i = 0;
        for (JsonNode q : root.path("quotas")) {
            String f = "quotas[" + i++ + "]";
            only(q, f, "suite", "stratum", "category", "count");
            b.addQuotas(Quota.newBuilder().setSuiteId(q.path("suite").asText("")).setStratum(stratum(q.path("stratum").asText(""), f))
                    .setCategory(q.path("category").asText("")).setCount(q.path("count").asInt(0)));
        }
        return b.build();
    }

    private static GenerationParams params(JsonNode p, String f) {
        only(p, f, "steps", "guidance_scale", "negative_prompt", "safety_guidance");
        GenerationParams.Builder b = GenerationParams.newBuilder().setSteps(p.path("steps").asInt(0))
                .setGuidanceScale(p.path("guidance_scale").asDouble(0)).setNegativePrompt(p.path("negative_prompt").asText(""));
        JsonNode s = p.get("safety_guidance");
        if (s != null) {
            only(s, f + ".safety_guidance", "concept", "preset", "guidance_scale", "warmup_steps", "threshold",
                    "momentum_scale", "momentum_beta", "adaptive");
            SafetyGuidance.Builder g = SafetyGuidance.newBuilder().setConcept(s.path("concept").asText(""))
                    .setPreset(s.path("preset").asText("")).setGuidanceScale(s.path("guidance_scale").asDouble(0))
                    .setWarmupSteps(s.path("warmup_steps").asInt(0)).setThreshold(s.path("threshold").asDouble(0))
                    .setMomentumScale(s.path("momentum_scale").asDouble(0)).setMomentumBeta(s.path("momentum_beta").asDouble(0));
            JsonNode a = s.get("adaptive");
            if (a != null) {
                String af = f + ".safety_guidance.adaptive";
                only(a, af, "risk", "risk_low", "risk_high", "floor", "ceiling", "negative_prompt", "negative_above");
                for (String required : new String[]{"risk_low", "risk_high"}) {
                    if (!a.has(required)) {
                        throw new IllegalArgumentException(af + "." + required + ": required");
                    }
                }
                g.setAdaptive(AdaptiveGuidance.newBuilder().setRisk(a.path("risk").asText(""))
                        .setRiskLow(a.path("risk_low").asDouble()).setRiskHigh(a.path("risk_high").asDouble())
                        .setFloor(a.path("floor").asDouble(0)).setCeiling(a.path("ceiling").asDouble(0))
                        .setNegativePrompt(a.path("negative_prompt").asText(""))
                        .setNegativeAbove(a.path("negative_above").asDouble(0)));
            }
            b.setSafetyGuidance(g);
        }
        return b.build();
    }

    /** A stratum as specs name it: {@code STRATUM_BENIGN_SIMPLE} → {@code benign-simple}. */
    static String stratumName(Stratum s) {
        return s.name().substring("STRATUM_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static Stratum stratum(String s, String f) {
        try {
            return Stratum.valueOf("STRATUM_" + s.toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ".stratum: unknown stratum '" + s
                    + "' (unsafe, adversarial, benign-simple, benign-compositional, benign-near-concept)");
        }
    }

    /** Refuses a node that is not a mapping or has a key outside {@code allowed}, naming it. */
    static void only(JsonNode n, String where, String... allowed) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ok.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "'");
            }
        }
    }
}
