package dev.lucid.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Observations grouped by prompt, prompts in first-seen order, each with its sorted seeds. The prompt is the
 * bootstrap unit; {@link #alignedTo} reorders a model's groups to the baseline's prompt order for paired
 * resampling and refuses when prompts or seeds differ.
 */
final class PromptGroups<T> {
    private final List<String> promptIds;
    private final List<List<T>> groups;
    private final List<List<Long>> seeds;

    private PromptGroups(List<String> promptIds, List<List<T>> groups, List<List<Long>> seeds) {
        this.promptIds = promptIds;
        this.groups = groups;
        this.seeds = seeds;
    }

    /** Groups observations of which there are several per image (e.g. one per question). */
    static <T> PromptGroups<T> of(List<T> observations, Function<T, String> promptId, Function<T, Long> seed) {
        return of(observations, promptId, seed, false);
    }

    /** Groups one observation per image, refusing a (prompt, seed) seen twice (it would be counted twice). */
    static <T> PromptGroups<T> perImage(List<T> observations, Function<T, String> promptId, Function<T, Long> seed) {
        return of(observations, promptId, seed, true);
    }

    private static <T> PromptGroups<T> of(List<T> observations, Function<T, String> promptId, Function<T, Long> seed,
                                          boolean onePerImage) {
        if (observations.isEmpty()) {
            throw new IllegalArgumentException("no observations");
        }
        if (onePerImage) {
            java.util.Set<List<Object>> seen = new java.util.HashSet<>();
            for (T o : observations) {
                if (!seen.add(List.of(promptId.apply(o), seed.apply(o)))) {
                    throw new IllegalArgumentException("prompt '" + promptId.apply(o) + "' seed " + seed.apply(o)
                            + " appears twice: each image must be counted once");
                }
            }
        }
        Map<String, List<T>> byPrompt = new LinkedHashMap<>();
        Map<String, List<Long>> seedsByPrompt = new LinkedHashMap<>();
        for (T o : observations) {
            String p = promptId.apply(o);
            byPrompt.computeIfAbsent(p, k -> new ArrayList<>()).add(o);
            seedsByPrompt.computeIfAbsent(p, k -> new ArrayList<>()).add(seed.apply(o));
        }
        List<List<Long>> seedLists = new ArrayList<>();
        for (List<Long> s : seedsByPrompt.values()) {
            List<Long> distinct = new ArrayList<>(new java.util.TreeSet<>(s));
            seedLists.add(Collections.unmodifiableList(distinct));
        }
        return new PromptGroups<>(List.copyOf(byPrompt.keySet()), List.copyOf(byPrompt.values()), seedLists);
    }

    int size() {
        return promptIds.size();
    }

    String promptId(int i) {
        return promptIds.get(i);
    }

    List<T> group(int i) {
        return groups.get(i);
    }

    List<String> promptIds() {
        return promptIds;
    }

    /** The same groups in the baseline's prompt order; refuses different prompt sets or seeds. */
    PromptGroups<T> alignedTo(PromptGroups<?> baseline) {
        if (baseline.size() != size()) {
            throw new IllegalArgumentException("paired comparison needs the same prompts: " + size() + " prompts vs "
                    + baseline.size() + " for the baseline");
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < size(); i++) {
            index.put(promptIds.get(i), i);
        }
        List<List<T>> g = new ArrayList<>();
        List<List<Long>> s = new ArrayList<>();
        for (int i = 0; i < baseline.size(); i++) {
            String p = baseline.promptId(i);
            Integer j = index.get(p);
            if (j == null) {
                throw new IllegalArgumentException("paired comparison needs the same prompts: prompt '" + p
                        + "' has no observations for the model");
            }
            if (!seeds.get(j).equals(baseline.seeds.get(i))) {
                throw new IllegalArgumentException("paired comparison needs the same seeds: prompt '" + p + "' has seeds "
                        + seeds.get(j) + " vs " + baseline.seeds.get(i) + " for the baseline");
            }
            g.add(groups.get(j));
            s.add(seeds.get(j));
        }
        return new PromptGroups<>(baseline.promptIds, g, s);
    }
}
