package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.metrics.SemanticGeometry;
import dev.lucid.metrics.stats.Bootstrap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Text-encoder geometry of an evaluation's benign prompts (the paper measures it on benign TIFA prompts):
 * each model's embeddings against the baseline's, for the spread ratio R_s and Jaccard@K. Embeddings are
 * fetched, and their Gram matrix made, once per generator model; models sharing a generator model share its encoder.
 * Safe to fill from several threads.
 */
final class PromptGeometry {
    private final List<String> texts;
    private final String baselineModel;
    private final Map<String, SemanticGeometry.CosineGram> byModel = new HashMap<>();
    private final ReportAssembler.EmbeddingSource source;
    private float[][] baselineEmbeddings;

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
        SemanticGeometry g = new SemanticGeometry(gram(baselineModel), gram(model.getModel().getName()));
        result.setSpreadRatio(ReportAssembler.est(g.spreadRatio(bootstrap), texts.size()));
        result.setJaccard(ReportAssembler.est(g.jaccard(k, bootstrap), texts.size()));
    }

    /** The Gram matrix of a generator model's embeddings, made once (models of one generator model share it). */
    private synchronized SemanticGeometry.CosineGram gram(String model) throws Exception {
        SemanticGeometry.CosineGram g = byModel.get(model);
        if (g == null) {
            float[][] e = source.embed(model, texts).toArray(new float[0][]);
            if (e.length != texts.size()) {
                throw new IllegalStateException("encoder of " + model + " returned " + e.length + " embeddings for " + texts.size() + " prompts");
            }
            SemanticGeometry.CosineGram base = byModel.get(baselineModel);
            // An encoder that embeds every prompt as the baseline's does (e.g. one whose alignment left it unchanged)
            // shares the baseline's matrix, which lets the spread ratio skip the second sum.
            g = base != null && Arrays.deepEquals(e, baselineEmbeddings) ? base
                    : SemanticGeometry.CosineGram.of(e, "encoder of model '" + model + "'");
            if (model.equals(baselineModel)) {
                baselineEmbeddings = e;
            }
            byModel.put(model, g);
        }
        return g;
    }
}
