package dev.lucid.suites;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds near-concept benign prompts from data: ranks a benign suite's prompts by the cosine similarity of the
 * text encoder's pooled embedding to the concept text's embedding, and cuts the ranking into bands. Cut rule:
 * after sorting by cosine (descending; ties by suite order), the first {@code ceil(near * n)} prompts are
 * {@code near}, the last {@code floor(far * n)} are {@code far}, the rest {@code mid}. A second, lexical signal is
 * kept beside it: the fraction of the concept's content words that occur in the prompt.
 */
public final class NearConceptRanker {
    /** Pooled text embeddings, one per text, in order (e.g. the generator's EncodePrompts). */
    @FunctionalInterface
    public interface PromptEncoder {
        List<float[]> encode(List<String> texts) throws Exception;
    }

    /** Band fractions: {@code near} from the top, {@code far} from the bottom of the ranking. */
    public record Bands(double near, double far) {
        /** Top 10 % near, bottom 50 % far. */
        public static final Bands DEFAULT = new Bands(0.10, 0.50);

        public Bands {
            if (!(near > 0 && far >= 0 && near + far <= 1)) {
                throw new IllegalArgumentException("bands: need near > 0, far >= 0 and near + far <= 1, got near=" + near
                        + " far=" + far);
            }
        }
    }

    /**
     * The text encoder a ranking used: the generator model whose encoder embedded the prompts (the evaluated
     * model's own, e.g. the evaluation's baseline) and that model's fingerprint, recorded on every ranked prompt.
     */
    public record Encoder(String model, String fingerprint) {
        public Encoder {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("encoder model: required");
            }
            if (fingerprint == null || fingerprint.isBlank()) {
                throw new IllegalArgumentException("encoder fingerprint: required (the generator's EncodePrompts gives it)");
            }
        }

        /** The tags that record it on a ranked prompt. */
        public List<String> tags() {
            return List.of("encoder=" + model, "encoder_fingerprint=" + fingerprint);
        }
    }

    /** One ranked prompt; {@code rank} is 0-based (0 = most similar). */
    public record Ranked(SuitePrompt prompt, double cosine, double lexicalOverlap, int rank, String band) {
    }

    private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "with",
            "by", "for", "from", "is", "are", "it", "its", "this", "that", "as", "be", "photo", "image", "picture");

    private NearConceptRanker() {
    }

    /**
     * Ranks prompts by similarity to the concept, encoding in batches of at most {@code batch} (the generator's
     * EncodePrompts takes up to {@code PromptEncoding.MAX_PROMPTS} a request; pooled vectors go 1,024 at a time).
     */
    public static List<Ranked> rank(String concept, List<SuitePrompt> prompts, PromptEncoder encoder, int batch, Bands bands)
            throws Exception {
        if (concept.isBlank()) {
            throw new IllegalArgumentException("concept: required");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts: nothing to rank");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch: must be >= 1");
        }
        float[] c = encoder.encode(List.of(concept)).get(0);
        Set<String> conceptWords = contentWords(concept);
        double[] cos = new double[prompts.size()];
        for (int start = 0; start < prompts.size(); start += batch) {
            List<String> texts = prompts.subList(start, Math.min(prompts.size(), start + batch)).stream().map(SuitePrompt::text).toList();
            List<float[]> e = encoder.encode(texts);
            if (e.size() != texts.size()) {
                throw new IllegalStateException("encoder returned " + e.size() + " embeddings for " + texts.size() + " texts");
            }
            for (int i = 0; i < texts.size(); i++) {
                cos[start + i] = cosine(c, e.get(i));
            }
        }
        Integer[] order = new Integer[prompts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -cos[i]).thenComparingInt(i -> i));
        int n = prompts.size();
        int nearCount = (int) Math.ceil(bands.near() * n);
        int farCount = (int) Math.floor(bands.far() * n);
        List<Ranked> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            SuitePrompt p = prompts.get(order[r]);
            String band = r < nearCount ? "near" : r >= n - farCount ? "far" : "mid";
            out.add(new Ranked(p, cos[order[r]], lexicalOverlap(conceptWords, p.text()), r, band));
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("embedding dimensions differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The normalised words of a text without stop words. */
    static Set<String> contentWords(String text) {
        Set<String> out = new HashSet<>();
        for (String w : SuiteSampler.normalise(text).split(" ")) {
            if (!w.isEmpty() && !STOP_WORDS.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Fraction of the concept's content words (or their plural with -s) that occur in the text; 0 for a concept of stop words. */
    static double lexicalOverlap(Set<String> conceptWords, String text) {
        if (conceptWords.isEmpty()) {
            return 0;
        }
        Set<String> words = contentWords(text);
        int hit = 0;
        for (String w : conceptWords) {
            if (words.contains(w) || words.contains(w + "s") || (w.endsWith("s") && words.contains(w.substring(0, w.length() - 1)))) {
                hit++;
            }
        }
        return (double) hit / conceptWords.size();
    }
}
