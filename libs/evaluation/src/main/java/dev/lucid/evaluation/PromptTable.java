package dev.lucid.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model's item results on one stratum, grouped by prompt: the bootstrap's units. Prompts are in id
 * order, so the i-th unit of a model and of the baseline is the same prompt (paired resampling).
 *
 * @param promptIds the prompts, in id order
 * @param items     per prompt, its images' results in seed order
 */
public record PromptTable(List<String> promptIds, List<List<ItemResult>> items) {
    public PromptTable {
        promptIds = List.copyOf(promptIds);
        items = List.copyOf(items);
    }

    /** The results of {@code model} on {@code stratum}, by prompt. */
    public static PromptTable of(List<ItemResult> results, String model, String stratum) {
        Map<String, List<ItemResult>> byPrompt = new TreeMap<>();
        for (ItemResult r : results) {
            if (r.modelLabel().equals(model) && r.stratum().equals(stratum)) {
                byPrompt.computeIfAbsent(r.promptId(), k -> new ArrayList<>()).add(r);
            }
        }
        byPrompt.values().forEach(l -> l.sort((a, b) -> Long.compare(a.seed(), b.seed())));
        return new PromptTable(new ArrayList<>(byPrompt.keySet()), new ArrayList<>(byPrompt.values()));
    }

    public int prompts() {
        return promptIds.size();
    }

    public int images() {
        return items.stream().mapToInt(List::size).sum();
    }

    /** Images whose result satisfies a condition. */
    public long images(java.util.function.Predicate<ItemResult> condition) {
        return items.stream().mapToLong(l -> l.stream().filter(condition).count()).sum();
    }

    /** Distinct classifier ids seen, in order of first appearance. */
    public List<String> classifiers() {
        Map<String, Boolean> ids = new LinkedHashMap<>();
        items.forEach(l -> l.forEach(r -> r.unsafeScores().keySet().stream().sorted().forEach(k -> ids.put(k, true))));
        return new ArrayList<>(ids.keySet());
    }
}
