package dev.lucid.evaluation;

import dev.lucid.metrics.ImageFeatures;
import dev.lucid.metrics.ImageValue;
import dev.lucid.metrics.stats.Bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a {@link ReportMetric} reads about one model × stratum: the recorded results by prompt, the baseline's on the
 * same prompts (null unless the two are paired), the planned prompts and the features recorded in the content store.
 * Features are read once, on first use.
 */
final class StratumData {
    private final String stratum;
    private final PromptTable table;
    private final PromptTable baseline;
    private final Map<String, EvaluationPrompt> prompts;
    private final ReportAssembler.FeatureSource featureSource;
    private final FidReference reference;
    private final ReportAssembler.Settings settings;
    private final Bootstrap bootstrap;
    private final Bootstrap featureBootstrap;
    private List<ImageFeatures> features;
    private List<ImageFeatures> baselineFeatures;

    /**
     * @param baseline the baseline's results on the stratum when the model is not the baseline and both cover the
     *                 same prompts (paired); else null
     * @param reference reference statistics of FID (may be null)
     */
    StratumData(String stratum, PromptTable table, PromptTable baseline, Map<String, EvaluationPrompt> prompts,
                ReportAssembler.FeatureSource featureSource, FidReference reference, ReportAssembler.Settings settings,
                Bootstrap bootstrap, Bootstrap featureBootstrap) {
        this.stratum = stratum;
        this.table = table;
        this.baseline = baseline;
        this.prompts = prompts;
        this.featureSource = featureSource;
        this.reference = reference;
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.featureBootstrap = featureBootstrap;
    }

    String stratum() {
        return stratum;
    }

    PromptTable table() {
        return table;
    }

    /** The baseline's results on the same prompts, or null when not paired. */
    PromptTable baseline() {
        return baseline;
    }

    boolean paired() {
        return baseline != null;
    }

    /** Whether this is the stratum on which coarse utility (FID, KID) is measured. */
    boolean coarse() {
        return stratum.equals(ReportAssembler.COARSE_STRATUM);
    }

    /** The planned prompt of an id. */
    EvaluationPrompt prompt(String id) {
        return prompts.get(id);
    }

    FidReference reference() {
        return reference;
    }

    ReportAssembler.Settings settings() {
        return settings;
    }

    Bootstrap bootstrap() {
        return bootstrap;
    }

    /** The bootstrap of FID and KID, whose every draw recomputes them from the features (so fewer draws). */
    Bootstrap featureBootstrap() {
        return featureBootstrap;
    }

    /** The stratum's image features (empty when any image has none). */
    List<ImageFeatures> features() {
        if (features == null) {
            features = features(table);
        }
        return features;
    }

    /** The baseline's image features on the coarse stratum when paired; else empty. */
    List<ImageFeatures> baselineFeatures() {
        if (baselineFeatures == null) {
            baselineFeatures = paired() && coarse() ? features(baseline) : List.of();
        }
        return baselineFeatures;
    }

    /** Length of the feature vectors (0 when none). */
    int featureDimension() {
        return features().isEmpty() ? 0 : features().get(0).features().length;
    }

    /** A per-image number of every image of a table. */
    static List<ImageValue> values(PromptTable t, ToDoubleFunction<ItemResult> value) {
        List<ImageValue> out = new ArrayList<>();
        t.items().forEach(l -> l.forEach(r -> out.add(new ImageValue(r.promptId(), r.seed(), value.applyAsDouble(r)))));
        return out;
    }

    private List<ImageFeatures> features(PromptTable t) {
        List<ItemResult> items = new ArrayList<>();
        t.items().forEach(items::addAll);
        List<float[]> read = featureSource.features(items);
        List<ImageFeatures> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (read.get(i).length == 0) {
                return List.of();
            }
            out.add(new ImageFeatures(items.get(i).promptId(), items.get(i).seed(), read.get(i)));
        }
        return out;
    }
}
