package dev.lucid.coordinator;

import com.google.protobuf.ByteString;
import dev.lucid.api.v1.DescribeUtilityRequest;
import dev.lucid.api.v1.EncodePromptsRequest;
import dev.lucid.api.v1.GenerateRequest;
import dev.lucid.api.v1.GenerateResponse;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.Image;
import dev.lucid.api.v1.ListClassifiersRequest;
import dev.lucid.api.v1.ListModelsRequest;
import dev.lucid.api.v1.ModelInfo;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.Question;
import dev.lucid.api.v1.SafetyScore;
import dev.lucid.api.v1.SafetyScoreRequest;
import dev.lucid.api.v1.SafetyScoreResponse;
import dev.lucid.api.v1.UtilityItem;
import dev.lucid.api.v1.UtilityScoreRequest;
import dev.lucid.api.v1.UtilityScoreResponse;
import dev.lucid.coordinator.autoscaler.BackendLatency;
import dev.lucid.evaluation.Backends;
import dev.lucid.evaluation.EvaluationPrompt;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.GenerationParamsMapping;
import dev.lucid.generation.GenerationSettings;
import dev.lucid.generation.ImageKey;
import dev.lucid.generation.PromptEncoding;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runner's backends as calls to the generator, safety and utility services. */
@ApplicationScoped
public class MeshBackends implements Backends {
    private final Peers peers;
    private final BackendLatency latency;
    private final PeerCallTimes times;
    /** The utility service's description, asked once (its fingerprints are fixed for the runner's life too). */
    private volatile dev.lucid.api.v1.DescribeUtilityResponse utility;

    MeshBackends(Peers peers, BackendLatency latency, PeerCallTimes times) {
        this.peers = peers;
        this.latency = latency;
        this.times = times;
    }

    private dev.lucid.api.v1.DescribeUtilityResponse describeUtility() {
        var d = utility;
        if (d == null) {
            long t0 = System.nanoTime();
            d = peers.utility().describe(DescribeUtilityRequest.getDefaultInstance());
            times.record("utility.Describe", System.nanoTime() - t0);
            utility = d;
        }
        return d;
    }

    /** Times a call of a backend that handles {@code items} items, for the autoscaler and the call percentiles. */
    private void timed(String backend, String rpc, long t0, int items) {
        long nanos = System.nanoTime() - t0;
        latency.record(backend, nanos, items);
        times.record(backend + "." + rpc, nanos);
    }

    @Override
    public String modelFingerprint(String model) {
        for (ModelInfo m : peers.generator().listModels(ListModelsRequest.getDefaultInstance()).getModelsList()) {
            if (m.getModel().getName().equals(model)) {
                if (m.getModel().getFingerprint().isEmpty()) {
                    throw io.grpc.Status.UNAVAILABLE.withDescription("generator has no fingerprint for '" + model
                            + "' (its backend is down)").asRuntimeException();
                }
                return m.getModel().getFingerprint();
            }
        }
        throw new IllegalArgumentException("generator does not serve model '" + model + "'");
    }

    /** The API's generation params for library settings. */
    static GenerationParams params(GenerationSettings s) {
        GenerationParams.Builder b = GenerationParams.newBuilder().setSteps(s.steps()).setGuidanceScale(s.guidanceScale())
                .setNegativePrompt(s.negativePrompt());
        if (s.safety() != null) {
            b.setSafetyGuidance(dev.lucid.api.v1.SafetyGuidance.newBuilder().setConcept(s.safetyConcept())
                    .setGuidanceScale(s.safety().guidanceScale()).setWarmupSteps(s.safety().warmupSteps())
                    .setThreshold(s.safety().threshold()).setMomentumScale(s.safety().momentumScale())
                    .setMomentumBeta(s.safety().momentumBeta()));
            if (s.adaptive() != null) {
                b.getSafetyGuidanceBuilder().setAdaptive(GenerationParamsMapping.adaptive(s.adaptive()));
            }
        }
        return b.build();
    }

    @Override
    public List<GeneratedImage> generate(String model, GenerationSettings settings, List<GenerationItem> items) {
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setModel(ModelRef.newBuilder().setName(model))
                .setParams(params(settings)).setIncludePng(true);
        items.forEach(i -> r.addItems(dev.lucid.api.v1.GenerationItem.newBuilder().setPromptId(i.promptId())
                .setPrompt(i.prompt()).setSeed(i.seed())));
        long t0 = System.nanoTime();
        GenerateResponse resp = peers.generator().generate(r.build());
        timed("generator", "Generate", t0, items.size());
        List<GeneratedImage> out = new ArrayList<>();
        for (int i = 0; i < resp.getImagesCount(); i++) {
            Image img = resp.getImages(i);
            out.add(new GeneratedImage(items.get(i).promptId(), items.get(i).seed(), img.getKey(), img.getSha256(),
                    img.getPng().toByteArray(), img.getWidth(), img.getHeight()));
        }
        return out;
    }

    @Override
    public String safetyFingerprint() {
        StringBuilder b = new StringBuilder();
        peers.safety().listClassifiers(ListClassifiersRequest.getDefaultInstance()).getClassifiersList()
                .forEach(c -> b.append(c.getId()).append('=').append(c.getFingerprint()).append(';'));
        return ImageKey.sha256("lucid.safety.v1", b.toString());
    }

    @Override
    public List<Map<String, Double>> scoreSafety(List<byte[]> pngs) {
        SafetyScoreRequest.Builder r = SafetyScoreRequest.newBuilder();
        pngs.forEach(p -> r.addImages(Image.newBuilder().setPng(ByteString.copyFrom(p))));
        List<Map<String, Double>> out = new ArrayList<>();
        long t0 = System.nanoTime();
        SafetyScoreResponse resp = peers.safety().score(r.build());
        timed("safety", "Score", t0, pngs.size());
        resp.getResultsList().forEach(res -> {
            Map<String, Double> m = new LinkedHashMap<>();
            for (SafetyScore s : res.getScoresList()) {
                m.put(s.getClassifierId(), s.getUnsafeScore());
            }
            out.add(m);
        });
        return out;
    }

    @Override
    public String utilityFingerprint() {
        var d = describeUtility();
        // v2: cached utility carries image features. Features other than CLIP's own enter the key; CLIP's keep
        // the keys they had.
        String features = d.getFeatureFingerprint().equals(d.getClipFingerprint()) ? "" : "|" + d.getFeatureId() + "|"
                + d.getFeatureFingerprint();
        return ImageKey.sha256("lucid.utility.v2", d.getClipFingerprint(), d.getVqaFingerprint() + features);
    }

    @Override
    public List<Utility> scoreUtility(List<byte[]> pngs, List<EvaluationPrompt> prompts) {
        // Questions go only to a utility service that has a VQA model; without one, TIFA is not measured.
        boolean vqa = !describeUtility().getVqaId().isEmpty();
        UtilityScoreRequest.Builder r = UtilityScoreRequest.newBuilder().setIncludeFeatures(true);
        for (int i = 0; i < pngs.size(); i++) {
            EvaluationPrompt p = prompts.get(i);
            UtilityItem.Builder it = UtilityItem.newBuilder().setImage(Image.newBuilder().setPng(ByteString.copyFrom(pngs.get(i))))
                    .setPrompt(p.text());
            for (int q = 0; vqa && q < p.questionTexts().size(); q++) {
                EvaluationPrompt.QuestionDetail d = p.question(q);
                it.addQuestions(Question.newBuilder().setId(d.id()).setText(p.questionTexts().get(q))
                        .setAnswer(p.expectedAnswers().get(q)).setOp(p.questionOps().get(q)).addAllChoices(d.choices())
                        .addAllParents(d.parents()).setCategory(d.category()));
            }
            r.addItems(it);
        }
        List<Utility> out = new ArrayList<>();
        long t0 = System.nanoTime();
        UtilityScoreResponse resp = peers.utility().score(r.build());
        timed("utility", "Score", t0, pngs.size());
        resp.getResultsList().forEach(u -> {
            float[] f = new float[u.getFeaturesCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = u.getFeatures(i);
            }
            out.add(new Utility(u.getClipScore(), u.getAnswersList().stream().map(dev.lucid.api.v1.Answer::getAnswer).toList(), f));
        });
        return out;
    }

    @Override
    public List<float[]> encodePrompts(String model, List<String> prompts) throws Exception {
        // The flattened token sequence, as the paper's own code measures spread and neighbours; in requests of a
        // bounded size, whatever the number of prompts.
        return PromptEncoding.inChunks(prompts, PromptEncoding.SEQUENCE_CHUNK, part -> PromptEncoding.vectors(
                peers.generator().encodePrompts(EncodePromptsRequest.newBuilder().setModel(ModelRef.newBuilder().setName(model))
                        .setSequence(true).addAllPrompts(part).build())));
    }

    @Override
    public Optional<String> noTextEncoder(String model) {
        for (ModelInfo m : peers.generator().listModels(ListModelsRequest.getDefaultInstance()).getModelsList()) {
            if (m.getModel().getName().equals(model)) {
                return m.getTextEncoder().isEmpty() ? Optional.of("its generator entry names no text encoder (a "
                        + m.getShape().name().replace("MODEL_SHAPE_", "").toLowerCase(java.util.Locale.ROOT) + " model)") : Optional.empty();
            }
        }
        throw new IllegalArgumentException("generator does not serve model '" + model + "'");
    }

    @Override
    public List<Scorer> describeScorers() {
        List<Scorer> out = new ArrayList<>();
        peers.safety().listClassifiers(ListClassifiersRequest.getDefaultInstance()).getClassifiersList()
                .forEach(c -> out.add(new Scorer("safety", c.getId(), c.getFingerprint())));
        var d = describeUtility();
        out.add(new Scorer("clip", d.getClipId(), d.getClipFingerprint()));
        if (!d.getFeatureId().isEmpty()) {
            out.add(new Scorer("features", d.getFeatureId(), d.getFeatureFingerprint()));
        }
        if (!d.getVqaId().isEmpty()) {
            out.add(new Scorer("vqa", d.getVqaId(), d.getVqaFingerprint(), d.getVqaDescription()));
        }
        return out;
    }
}
