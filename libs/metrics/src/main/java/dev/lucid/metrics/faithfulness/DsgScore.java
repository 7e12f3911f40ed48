package dev.lucid.metrics.faithfulness;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DSG's score of one image, as DSG's reference code ({@code calc_vqa_score}) computes it: a question's raw score is 1
 * when its normalised answer is "yes" ({@link YesNoAnswer}) and 0 otherwise; a question is then zeroed when any of
 * its <em>direct</em> parents has raw score 0 (not transitive: a grandparent's "no" only reaches a grandchild
 * through the parent's own answer). The image score is the mean over its questions. A parent id that is not among
 * the image's questions cannot veto (DSG's code would fail on it) and is counted in {@link #missingParents()}.
 * Because only direct parents are read, self-dependencies and cycles cannot loop.
 */
public final class DsgScore {
    private final List<DsgQuestion> questions;
    private final boolean[] credited;
    private final int missingParents;

    private DsgScore(List<DsgQuestion> questions, boolean[] credited, int missingParents) {
        this.questions = questions;
        this.credited = credited;
        this.missingParents = missingParents;
    }

    /** Scores one image's questions (ids must be unique; at least one question). */
    public static DsgScore of(List<DsgQuestion> questions) {
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one question to be scored");
        }
        Map<Integer, Boolean> rawYes = new HashMap<>();
        for (DsgQuestion q : questions) {
            if (rawYes.put(q.id(), YesNoAnswer.isYes(q.answer())) != null) {
                throw new IllegalArgumentException("question id " + q.id() + " appears twice in one image");
            }
        }
        boolean[] credited = new boolean[questions.size()];
        int missing = 0;
        for (int i = 0; i < questions.size(); i++) {
            DsgQuestion q = questions.get(i);
            boolean ok = rawYes.get(q.id());
            for (int parent : q.parents()) {
                Boolean parentYes = rawYes.get(parent);
                if (parentYes == null) {
                    missing++;
                } else if (!parentYes) {
                    ok = false;
                }
            }
            credited[i] = ok;
        }
        return new DsgScore(List.copyOf(questions), credited, missing);
    }

    /** The image's score: credited questions / questions. */
    public double score() {
        int c = 0;
        for (boolean b : credited) {
            c += b ? 1 : 0;
        }
        return c / (double) credited.length;
    }

    /** Whether question {@code index} (in the order given) is credited after the dependency rule. */
    public boolean credited(int index) {
        return credited[index];
    }

    /** Number of questions. */
    public int questions() {
        return questions.size();
    }

    /** Parent references to propositions absent from this image (ignored by the rule). */
    public int missingParents() {
        return missingParents;
    }

    /** Per broad category (null category as "unknown"): {credited, asked}, in first-seen order. */
    public Map<String, int[]> byCategory() {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i < questions.size(); i++) {
            String c = questions.get(i).category() == null ? "unknown" : questions.get(i).category();
            int[] t = out.computeIfAbsent(c, k -> new int[2]);
            t[0] += credited[i] ? 1 : 0;
            t[1]++;
        }
        return out;
    }
}
