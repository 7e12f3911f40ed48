package dev.lucid.suites;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Seeded, quota-driven sampling from imported suites. Each quota's candidates (prompts of the quota's stratum,
 * or without a stratum, and of its category when given) are ordered by sha-256(fingerprint, seed, prompt id);
 * the quota takes the first {@code count} not taken before in the same request (and, with dedup, whose
 * normalised text was not taken before). A paired prompt ({@link PromptPairs}) is taken only with its partner,
 * which follows it in the partner's own stratum; the pair counts once towards the quota. No random generator and
 * no hash-map order is involved, so the same suite fingerprint, quotas and seed give the same prompts in the same
 * order on every machine.
 */
public final class SuiteSampler {
    /** One quota. {@code category} empty means any. */
    public record Quota(String suiteId, String stratum, String category, int count) {
    }

    /** A sampled prompt with the stratum and category the quota gave it. */
    public record Sampled(String suiteId, SuitePrompt prompt, String stratum, String category) {
    }

    private SuiteSampler() {
    }

    /**
     * Fills the quotas in order.
     *
     * @param suites looks a suite up by id (null when unknown)
     */
    public static List<Sampled> sample(List<Quota> quotas, long seed, boolean dedup, Function<String, Suite> suites) {
        Session session = new Session(seed, dedup);
        List<Sampled> out = new ArrayList<>();
        for (int qi = 0; qi < quotas.size(); qi++) {
            Quota q = quotas.get(qi);
            out.addAll(session.fill(q, suites.apply(q.suiteId()), "quotas[" + qi + "]"));
        }
        return out;
    }

    /** One sampling request: remembers what earlier quotas took, so later quotas never repeat a prompt. */
    public static final class Session {
        private final long seed;
        private final boolean dedup;
        private final Set<String> taken = new HashSet<>();
        private final Set<String> texts = new HashSet<>();

        public Session(long seed, boolean dedup) {
            this.seed = seed;
            this.dedup = dedup;
        }

        /**
         * Fills one quota from its suite.
         *
         * @param s     the quota's suite, or null when unknown
         * @param field the quota's name in messages (e.g. {@code quotas[2]})
         */
        public List<Sampled> fill(Quota q, Suite s, String f) {
            if (s == null) {
                throw new java.util.NoSuchElementException(f + ".suite_id: unknown suite '" + q.suiteId() + "'");
            }
            if (q.stratum().isEmpty()) {
                throw new IllegalArgumentException(f + ".stratum: required");
            }
            Strata.check(q.stratum(), f + ".stratum");
            if (q.count() < 1) {
                throw new IllegalArgumentException(f + ".count: must be >= 1, got " + q.count());
            }
            List<Keyed> candidates = new ArrayList<>();
            PromptTable ps = s.prompts();
            for (int i = 0; i < ps.size(); i++) {
                String stratum = ps.stratum(i);
                if ((stratum.isEmpty() || stratum.equals(q.stratum())) && (q.category().isEmpty() || ps.hasCategory(i, q.category()))) {
                    candidates.add(new Keyed(order(s.fingerprint(), seed, ps.id(i)), i));
                }
            }
            candidates.sort((a, b) -> a.key != b.key ? Long.compareUnsigned(a.key, b.key) : Integer.compare(a.index, b.index));
            List<Sampled> out = new ArrayList<>();
            int filled = 0;
            for (Keyed k : candidates) {
                if (filled == q.count()) {
                    break;
                }
                // A paired prompt comes with its partner (in the partner's own stratum) or not at all; the pair
                // counts once towards the quota. Only the prompts looked at are read from the suite's file.
                List<SuitePrompt> members = members(ps, k.index);
                SuitePrompt first = members.get(0);
                if (members.stream().anyMatch(m -> taken.contains(s.id() + "\n" + m.id())
                        || (dedup && texts.contains(normalise(m.text()))))
                        || (dedup && members.stream().map(m -> normalise(m.text())).distinct().count() < members.size())) {
                    continue;
                }
                for (SuitePrompt m : members) {
                    taken.add(s.id() + "\n" + m.id());
                    texts.add(normalise(m.text()));
                    String stratum = m == first ? q.stratum() : m.stratum();
                    out.add(new Sampled(s.id(), m, stratum,
                            q.category().isEmpty() || m != first ? String.join(", ", m.categories()) : q.category()));
                }
                filled++;
            }
            if (filled < q.count()) {
                throw new IllegalArgumentException(f + ".count: asks for " + q.count() + " prompts, but suite '" + s.id()
                        + "' has only " + filled + (dedup ? " distinct" : "") + " prompts left for stratum '" + q.stratum() + "'"
                        + (q.category().isEmpty() ? "" : " and category '" + q.category() + "'") + " (" + candidates.size()
                        + " match)");
            }
            return out;
        }
    }

    private record Keyed(long key, int index) {
    }

    /** Prompt {@code i} and, when it is paired, its partners (the same pair id), {@code i} first. */
    private static List<SuitePrompt> members(PromptTable ps, int i) {
        SuitePrompt p = ps.get(i);
        String pair = PromptPairs.pairOf(p);
        List<SuitePrompt> out = new ArrayList<>(List.of(p));
        if (!pair.isEmpty()) {
            List<Integer> candidates = ps.pairCandidates(i);
            for (int j : candidates.subList(1, candidates.size())) {
                SuitePrompt m = ps.get(j);
                if (PromptPairs.pairOf(m).equals(pair)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** The sort key of a prompt: the first 8 bytes of sha-256("lucid.sample.v1", fingerprint, seed, id). */
    static long order(String fingerprint, long seed, String id) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(("lucid.sample.v1\n" + fingerprint + "\n" + seed + "\n" + id).getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (h[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text for duplicate detection: NFKC, lower case, every run of non-letters/digits as one space, trimmed. */
    public static String normalise(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
