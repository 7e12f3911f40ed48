package dev.lucid.miniworld;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The mini world's built-in suite: a fixed number of distinct prompts per stratum, drawn from the
 * grammar with a fixed seed, each with its exact questions. Same world and size → same suite and
 * fingerprint on every machine.
 */
public final class MiniWorldSuite {
    /** One prompt of the suite. */
    public record Entry(String id, String text, String stratum, String kind, List<Question> questions) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Entry> entries = new ArrayList<>();
    private final String fingerprint;

    /**
     * @param perStratum distinct prompts per stratum (the grammar bounds how many exist)
     * @param seed       suite seed
     */
    public MiniWorldSuite(MiniWorld world, int perStratum, long seed) {
        Grammar g = new Grammar(world);
        StratumSampler sampler = new StratumSampler(world, g);
        for (String stratum : StratumSampler.STRATA) {
            SplittableRandom rng = new SplittableRandom(seed ^ stratum.hashCode());
            Set<String> seen = new LinkedHashSet<>();
            for (int attempt = 0; seen.size() < perStratum && attempt < perStratum * 200; attempt++) {
                PromptSpec s = sampler.sample(rng, stratum);
                String text = g.caption(s);
                if (seen.add(text)) {
                    entries.add(new Entry(String.format("%s-%04d", stratum, seen.size() - 1), text, stratum, s.kind(),
                            s.questions(world, g)));
                }
            }
        }
        StringBuilder canon = new StringBuilder(world.version());
        entries.forEach(e -> canon.append('\n').append(e.id()).append('\t').append(e.stratum()).append('\t').append(e.text()));
        fingerprint = sha256(canon.toString());
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public String fingerprint() {
        return fingerprint;
    }

    /**
     * {@code count} prompts of a stratum, chosen by a seeded shuffle (deterministic for the same
     * suite, stratum, count and seed), in suite order.
     */
    public List<Entry> sample(String stratum, int count, long seed) {
        List<Entry> pool = entries.stream().filter(e -> e.stratum().equals(stratum)).toList();
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("stratum '" + stratum + "' has no prompts; strata are " + StratumSampler.STRATA);
        }
        if (count < 1 || count > pool.size()) {
            throw new IllegalArgumentException("count must be in 1.." + pool.size() + " for stratum '" + stratum
                    + "', got " + count);
        }
        int[] idx = new int[pool.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ fingerprint.hashCode() ^ stratum.hashCode());
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(idx, count);
        java.util.Arrays.sort(chosen);
        List<Entry> out = new ArrayList<>();
        for (int i : chosen) {
            out.add(pool.get(i));
        }
        return out;
    }

    /** A question's op as JSON ({"op": ..., "args": {...}}, keys sorted), the form the API carries. */
    public static String opJson(Question q) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("op", q.op().op());
        m.put("args", sorted(q.op().args()));
        try {
            return JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object o) {
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> t = new java.util.TreeMap<>();
            map.forEach((k, v) -> t.put(String.valueOf(k), sorted(v)));
            return t;
        }
        return o;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
