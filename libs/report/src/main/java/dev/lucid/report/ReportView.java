package dev.lucid.report;

import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.api.v1.Verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/** Read-only navigation of a report shared by the renderers: model order, strata, baseline, names. */
final class ReportView {
    /** TIFA element types in DESIGN.md §5 order; map keys are matched after {@link #elementKey} normalisation. */
    private static final List<String> ELEMENT_ORDER = List.of("object", "animalhuman", "food", "activity", "attribute",
            "counting", "color", "material", "spatial", "location", "shape", "other");

    final Report report;
    final List<ModelResult> models;
    final List<Stratum> strata;
    private final ModelResult baseline;

    ReportView(Report report) {
        this.report = report;
        this.models = report.getModelsList();
        TreeSet<Integer> numbers = new TreeSet<>();
        models.forEach(m -> m.getStrataList().forEach(s -> numbers.add(s.getStratumValue())));
        List<Stratum> list = new ArrayList<>();
        numbers.forEach(n -> list.add(Optional.ofNullable(Stratum.forNumber(n)).orElse(Stratum.UNRECOGNIZED)));
        this.strata = List.copyOf(list);
        this.baseline = models.stream().filter(ModelResult::getBaseline).findFirst()
                .or(() -> models.stream().filter(m -> !report.getBaseline().isEmpty() && m.getLabel().equals(report.getBaseline())).findFirst())
                .orElse(null);
    }

    /** The baseline model, marked by its flag or named by report.baseline. */
    Optional<ModelResult> baseline() {
        return Optional.ofNullable(baseline);
    }

    boolean isBaseline(ModelResult m) {
        return m == baseline;
    }

    /** Models other than the baseline, in report order. */
    List<ModelResult> compared() {
        return models.stream().filter(m -> m != baseline).toList();
    }

    /** The model's result on a stratum, if it has one. */
    static Optional<StratumResult> result(ModelResult m, Stratum s) {
        return m.getStrataList().stream().filter(r -> r.getStratumValue() == s.getNumber()).findFirst();
    }

    /** Union of a map's keys over all models on a stratum, TIFA element types in canonical order, others sorted. */
    List<String> keys(Stratum s, Function<StratumResult, Map<String, ?>> map) {
        TreeSet<String> keys = new TreeSet<>(Comparator.comparingInt(ReportView::elementRank).thenComparing(Comparator.naturalOrder()));
        models.forEach(m -> result(m, s).ifPresent(r -> keys.addAll(map.apply(r).keySet())));
        return List.copyOf(keys);
    }

    /** Whether any model has a value on the stratum. */
    boolean any(Stratum s, Function<StratumResult, Boolean> has) {
        return models.stream().anyMatch(m -> result(m, s).map(has).orElse(false));
    }

    /** Lower-case, hyphenated stratum name ("benign-compositional"). */
    static String stratumName(Stratum s) {
        if (s == Stratum.UNRECOGNIZED) {
            return "unknown";
        }
        return s.name().replaceFirst("^STRATUM_", "").toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Verdict name as the tables show it ("ILLUSION"); unspecified is empty. */
    static String verdictName(Verdict v) {
        if (v == Verdict.VERDICT_UNSPECIFIED) {
            return "";
        }
        return v == Verdict.UNRECOGNIZED ? "UNKNOWN" : v.name().replaceFirst("^VERDICT_", "");
    }

    private static int elementRank(String key) {
        int i = ELEMENT_ORDER.indexOf(elementKey(key));
        return i < 0 ? ELEMENT_ORDER.size() : i;
    }

    /** "ELEMENT_TYPE_ANIMAL_HUMAN", "animal/human" and "animal_human" all become "animalhuman". */
    static String elementKey(String key) {
        return key.toLowerCase(Locale.ROOT).replaceFirst("^element_type_", "").replaceAll("[^a-z0-9]", "");
    }
}
