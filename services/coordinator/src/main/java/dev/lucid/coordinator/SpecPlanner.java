package dev.lucid.coordinator;

import com.google.protobuf.CodedOutputStream;
import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.ListModelsRequest;
import dev.lucid.api.v1.ModelInfo;
import dev.lucid.api.v1.Prompt;
import dev.lucid.api.v1.Question;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.SampleRequest;
import dev.lucid.api.v1.Stratum;
import dev.lucid.evaluation.EvaluationModel;
import dev.lucid.evaluation.EvaluationPrompt;
import dev.lucid.evaluation.EvaluationRunner;
import dev.lucid.generation.GenerationParamsMapping;
import dev.lucid.generation.GenerationSettings;
import dev.lucid.generation.ImageKey;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an evaluation spec into a plan: validates every field (errors name the field), asks the
 * sampler for the prompts and names the evaluation by the hash of its canonical spec, so the same
 * spec submitted twice is the same evaluation.
 */
@ApplicationScoped
public class SpecPlanner {
    static final int MAX_MODELS = 16;
    static final int MAX_SEEDS = 16;

    private final Peers peers;
    private final CoordinatorConfig config;

    SpecPlanner(Peers peers, CoordinatorConfig config) {
        this.peers = peers;
        this.config = config;
    }

    /** The evaluation id of a spec: a hash of its deterministic encoding. */
    static String evaluationId(EvaluationSpec spec) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.useDeterministicSerialization();
            spec.writeTo(c);
            c.flush();
            return "ev-" + ImageKey.sha256("lucid.spec.v1", java.util.HexFormat.of().formatHex(out.toByteArray()))
                    .substring(0, 20);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks what can be checked without peers. */
    static void validate(EvaluationSpec spec, long maxItems) {
        if (spec.getModelsCount() == 0 || spec.getModelsCount() > MAX_MODELS) {
            throw new IllegalArgumentException("models: between 1 and " + MAX_MODELS + " models, got " + spec.getModelsCount());
        }
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < spec.getModelsCount(); i++) {
            EvaluatedModel m = spec.getModels(i);
            if (!m.getLabel().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("models[" + i + "].label: 1-64 letters, digits, '.', '_', '-', got '"
                        + m.getLabel() + "'");
            }
            if (!labels.add(m.getLabel())) {
                throw new IllegalArgumentException("models[" + i + "].label: '" + m.getLabel() + "' used twice");
            }
            if (m.getModel().getName().isEmpty()) {
                throw new IllegalArgumentException("models[" + i + "].model.name: required");
            }
            settings(spec.getParams(), m.getParams(), "models[" + i + "].params");
        }
        if (spec.getParams().getSteps() < 1 || spec.getParams().getSteps() > 1000) {
            throw new IllegalArgumentException("params.steps: must be in 1..1000, got " + spec.getParams().getSteps());
        }
        if (!(spec.getParams().getGuidanceScale() > 0 && spec.getParams().getGuidanceScale() <= 100)) {
            throw new IllegalArgumentException("params.guidance_scale: must be in (0, 100], got " + spec.getParams().getGuidanceScale());
        }
        if (!labels.contains(spec.getBaseline())) {
            throw new IllegalArgumentException("baseline: must be one of the model labels " + labels + ", got '"
                    + spec.getBaseline() + "'");
        }
        if (spec.getQuotasCount() == 0) {
            throw new IllegalArgumentException("quotas: at least one quota (a spec without prompts evaluates nothing)");
        }
        long prompts = 0;
        for (int i = 0; i < spec.getQuotasCount(); i++) {
            Quota q = spec.getQuotas(i);
            if (q.getSuiteId().isEmpty()) {
                throw new IllegalArgumentException("quotas[" + i + "].suite_id: required");
            }
            if (q.getStratum() == Stratum.STRATUM_UNSPECIFIED) {
                throw new IllegalArgumentException("quotas[" + i + "].stratum: required");
            }
            if (q.getCount() < 1) {
                throw new IllegalArgumentException("quotas[" + i + "].count: must be >= 1, got " + q.getCount());
            }
            prompts += q.getCount();
        }
        if (spec.getSeedsPerPrompt() < 1 || spec.getSeedsPerPrompt() > MAX_SEEDS) {
            throw new IllegalArgumentException("seeds_per_prompt: must be in 1.." + MAX_SEEDS + ", got " + spec.getSeedsPerPrompt());
        }
        if (spec.getBaseSeed() < 0 || spec.getSamplingSeed() < 0) {
            throw new IllegalArgumentException((spec.getBaseSeed() < 0 ? "base_seed" : "sampling_seed") + ": must be >= 0");
        }
        if (spec.getBootstrapSamples() != 0 && (spec.getBootstrapSamples() < 100 || spec.getBootstrapSamples() > 100_000)) {
            throw new IllegalArgumentException("bootstrap_samples: must be 0 (the default, 1000) or in 100..100000, got "
                    + spec.getBootstrapSamples());
        }
        if (spec.getEquivalenceMargin() != 0 && !(spec.getEquivalenceMargin() > 0 && spec.getEquivalenceMargin() < 1)) {
            throw new IllegalArgumentException("equivalence_margin: must be 0 (the default, 0.05) or in (0, 1), got "
                    + spec.getEquivalenceMargin());
        }
        if (spec.getMetrics().getJaccardK() < 0 || spec.getMetrics().getJaccardK() > 100) {
            throw new IllegalArgumentException("metrics.jaccard_k: must be 0 (the default, 5) or in 1..100, got "
                    + spec.getMetrics().getJaccardK());
        }
        long items = prompts * spec.getSeedsPerPrompt() * spec.getModelsCount();
        if (items > maxItems) {
            throw new IllegalArgumentException("quotas: the spec plans " + items + " images, more than the limit " + maxItems);
        }
    }

    /** A model's settings: the spec's params overridden by the model's own non-empty fields. */
    static GenerationSettings settings(GenerationParams base, GenerationParams own, String field) {
        return GenerationParamsMapping.settings(GenerationParamsMapping.merge(base, own), field);
    }

    /** Validates against the peers too (known models), samples the prompts and builds the plan. */
    public EvaluationRunner.Plan plan(EvaluationSpec spec) {
        return plan(spec, spec.getQuotasList(), java.util.function.UnaryOperator.identity());
    }

    /**
     * {@link #plan(EvaluationSpec)} with the quotas' suites named as the sampler knows them (a tenant's own suites)
     * and the sampled prompts' ids as the caller knows them.
     */
    public EvaluationRunner.Plan plan(EvaluationSpec spec, List<Quota> samplerQuotas, java.util.function.UnaryOperator<String> promptId) {
        validate(spec, config.maxItems());
        Set<String> served = new HashSet<>();
        for (ModelInfo m : peers.generator().listModels(ListModelsRequest.getDefaultInstance()).getModelsList()) {
            served.add(m.getModel().getName());
        }
        List<EvaluationModel> models = new ArrayList<>();
        for (int i = 0; i < spec.getModelsCount(); i++) {
            EvaluatedModel m = spec.getModels(i);
            if (!served.contains(m.getModel().getName())) {
                throw new IllegalArgumentException("models[" + i + "].model.name: unknown model '" + m.getModel().getName()
                        + "'; the generator serves " + served);
            }
            models.add(new EvaluationModel(m.getLabel(), m.getModel().getName(),
                    settings(spec.getParams(), m.getParams(), "models[" + i + "].params")));
        }
        List<Prompt> sampled = peers.sampler().sample(SampleRequest.newBuilder().addAllQuotas(samplerQuotas)
                .setSeed(spec.getSamplingSeed()).setDedup(true).build()).getPromptsList();
        if (sampled.isEmpty()) {
            throw new IllegalArgumentException("quotas: the suites gave no prompts");
        }
        List<EvaluationPrompt> prompts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Prompt p : sampled) {
            String id = promptId.apply(p.getId());
            if (!ids.add(id)) {
                continue; // two quotas may select the same prompt; it is evaluated once
            }
            List<String> texts = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<String> ops = new ArrayList<>();
            List<EvaluationPrompt.QuestionDetail> details = new ArrayList<>();
            for (Question q : p.getQuestionsList()) {
                details.add(new EvaluationPrompt.QuestionDetail(q.getId(), q.getChoicesList(), q.getParentsList(),
                        q.getCategory()));
                texts.add(q.getText());
                answers.add(q.getAnswer());
                types.add(q.getElementType().name().replace("ELEMENT_TYPE_", "").toLowerCase());
                ops.add(q.getOp());
            }
            // The suite's own seed (I2P, COCO-30k) unless the spec asks for base_seed everywhere.
            Long sourceSeed = p.getSeed() >= 0 && !spec.getIgnoreSuiteSeeds() ? p.getSeed() : null;
            prompts.add(new EvaluationPrompt(id, p.getText(), stratum(p.getStratum()), p.getCategory(), texts, answers,
                    types, ops, sourceSeed, details));
        }
        // Paired prompts come with their partners, so a quota may give more prompts than it counts.
        long items = (long) prompts.size() * spec.getSeedsPerPrompt() * spec.getModelsCount();
        if (items > config.maxItems()) {
            throw new IllegalArgumentException("quotas: the sampled prompts (pairs included) plan " + items
                    + " images, more than the limit " + config.maxItems());
        }
        return new EvaluationRunner.Plan(evaluationId(spec), models, prompts, spec.getSeedsPerPrompt(), spec.getBaseSeed());
    }

    static String stratum(Stratum s) {
        return s.name().replace("STRATUM_", "").toLowerCase().replace('_', '-');
    }
}
