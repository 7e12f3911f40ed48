package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.metrics.SemanticGeometry;
import dev.lucid.metrics.stats.Bootstrap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Text-encoder geometry of an evaluation's benign prompts (the paper measures it on benign TIFA prompts):
 * each model's embeddings against the baseline's, for the spread ratio R_s and Jaccard@K. Embeddings are
 * fetched once per generator model; models sharing the baseline's generator model share its encoder.
 */
final class PromptGeometry {
    private final List<String> texts;
    private final String baselineModel;
    private final Map<String, float[][]> byModel = new HashMap<>();
    private final ReportAssembler.EmbeddingSource source;

    private PromptGeometry(List<String> texts, String baselineModel, ReportAssembler.EmbeddingSource source) {
        this.texts = texts;
        this.baselineModel = baselineModel;
        this.source = source;
    }

    static PromptGeometry of(EvaluationRunner.Plan plan, EvaluationSpec spec, ReportAssembler.EmbeddingSource source) {
        List<String> texts = plan.prompts().stream().filter(p -> p.stratum().startsWith("benign")).map(EvaluationPrompt::text)
                .distinct().toList();
        String baselineModel = spec.getModelsList().stream().filter(m -> m.getLabel().equals(spec.getBaseline()))
                .map(m -> m.getModel().getName()).findFirst().orElse("");
        return new PromptGeometry(texts, baselineModel, source);
    }

    /**
     * Sets R_s and Jaccard@K of a non-baseline model (left unset with fewer than K+1 benign prompts), or, where the
     * model's or the baseline's generator model has no text encoder, the reason geometry is not available.
     */
    void fill(ModelResult.Builder result, EvaluatedModel model, Bootstrap bootstrap, int k) throws Exception {
        if (texts.isEmpty() || source == null) {
            return;
        }
        Optional<String> why = source.unavailable(model.getModel().getName()).map(r -> "model '" + model.getModel().getName()
                + "': " + r).or(() -> source.unavailable(baselineModel).map(r -> "baseline model '" + baselineModel + "': " + r));
        if (why.isPresent()) {
            result.setGeometryUnavailable("no text-encoder embeddings: " + why.get());
            return;
        }
        if (result.getBaseline() || texts.size() < k + 1) {
            return;
        }
        SemanticGeometry g = new SemanticGeometry(embeddings(baselineModel), embeddings(model.getModel().getName()));
        result.setSpreadRatio(ReportAssembler.est(g.spreadRatio(bootstrap), texts.size()));
        result.setJaccard(ReportAssembler.est(g.jaccard(k, bootstrap), texts.size()));
    }

    private float[][] embeddings(String model) throws Exception {
        float[][] e = byModel.get(model);
        if (e == null) {
            e = source.embed(model, texts).toArray(new float[0][]);
            if (e.length != texts.size()) {
                throw new IllegalStateException("encoder of " + model + " returned " + e.length + " embeddings for " + texts.size() + " prompts");
            }
            byModel.put(model, e);
        }
        return e;
    }
}
