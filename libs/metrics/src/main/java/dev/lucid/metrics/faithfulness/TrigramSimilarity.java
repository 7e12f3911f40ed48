package dev.lucid.metrics.faithfulness;

import java.util.HashMap;
import java.util.Map;

/**
 * Cosine similarity of character-trigram counts of the two strings after {@link YesNoAnswer#normalize}, each padded
 * with one space on both sides (so short words still have trigrams). A plain-Java, model-free stand-in for the
 * sentence-embedding similarity TIFA uses; it matches spelling, not meaning ("pale green" → "green", but
 * "crimson" is not near "red").
 */
public final class TrigramSimilarity implements ChoiceSimilarity {
    @Override
    public double similarity(String answer, String choice) {
        Map<String, Integer> a = trigrams(answer);
        Map<String, Integer> b = trigrams(choice);
        double dot = 0;
        for (Map.Entry<String, Integer> e : a.entrySet()) {
            dot += e.getValue() * (double) b.getOrDefault(e.getKey(), 0);
        }
        double norm = Math.sqrt(squares(a) * squares(b));
        return norm == 0 ? 0 : dot / norm;
    }

    private static Map<String, Integer> trigrams(String s) {
        String padded = " " + YesNoAnswer.normalize(s) + " ";
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + 3 <= padded.length(); i++) {
            out.merge(padded.substring(i, i + 3), 1, Integer::sum);
        }
        return out;
    }

    private static double squares(Map<String, Integer> m) {
        double s = 0;
        for (int v : m.values()) {
            s += (double) v * v;
        }
        return s;
    }
}
