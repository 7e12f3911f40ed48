package dev.lucid.suites;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteSamplerTest {
    /** 40 prompts p0..p39: categories a/b alternating; p39 repeats p0's text up to case and punctuation. */
    static Suite synthetic() {
        List<SuitePrompt> ps = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String text = i == 39 ? "A  Prompt number 0!" : "a prompt number " + i;
            ps.add(new SuitePrompt("p" + i, text, "", List.of(i % 2 == 0 ? "a" : "b"), List.of(), List.of(), 100 + i, 0, i + 2));
        }
        return Suite.of("syn", "test", "", "", "csv", ps, 40, 0);
    }

    static List<String> ids(List<SuiteSampler.Sampled> s) {
        return s.stream().map(x -> x.prompt().id()).toList();
    }

    static List<SuiteSampler.Sampled> sample(Suite s, long seed, SuiteSampler.Quota... quotas) {
        return SuiteSampler.sample(List.of(quotas), seed, true, id -> id.equals(s.id()) ? s : null);
    }

    @Test
    void fixedSeedGivesFixedPromptsAndOtherSeedsOthers() {
        Suite s = synthetic();
        SuiteSampler.Quota a = new SuiteSampler.Quota("syn", "unsafe", "a", 3);
        SuiteSampler.Quota any = new SuiteSampler.Quota("syn", "benign-simple", "", 4);
        List<SuiteSampler.Sampled> x = sample(s, 7, a, any);
        assertEquals(List.of("p32", "p8", "p4", "p29", "p37", "p27", "p23"), ids(x));
        assertEquals(ids(x), ids(sample(s, 7, a, any)), "same seed, same prompts, same order");
        List<SuiteSampler.Sampled> y = sample(s, 8, a, any);
        assertEquals(7, y.size());
        assertNotEquals(ids(x), ids(y), "another seed, other prompts");
        assertEquals(List.of("unsafe", "unsafe", "unsafe", "benign-simple", "benign-simple", "benign-simple", "benign-simple"),
                x.stream().map(SuiteSampler.Sampled::stratum).toList());
        assertTrue(x.subList(0, 3).stream().allMatch(v -> v.category().equals("a")));
        assertEquals(132, x.get(0).prompt().seed(), "the suite's seed travels with the prompt");
    }

    @Test
    void dedupByNormalisedTextAndNoPromptTwice() {
        Suite s = synthetic();
        assertEquals("a prompt number 0", SuiteSampler.normalise("A  Prompt number 0!"));
        List<SuiteSampler.Sampled> all = sample(s, 1, new SuiteSampler.Quota("syn", "unsafe", "", 39));
        assertEquals(39, all.size());
        assertEquals(39, all.stream().map(v -> SuiteSampler.normalise(v.prompt().text())).distinct().count());
        assertEquals("syn: quotas[0].count: asks for 40 prompts, but suite 'syn' has only 39 distinct prompts left for stratum "
                        + "'unsafe' (40 match)",
                "syn: " + assertThrows(IllegalArgumentException.class,
                        () -> sample(s, 1, new SuiteSampler.Quota("syn", "unsafe", "", 40))).getMessage());
        List<SuiteSampler.Sampled> withoutDedup = SuiteSampler.sample(List.of(new SuiteSampler.Quota("syn", "unsafe", "", 40)), 1,
                false, id -> s);
        assertEquals(40, withoutDedup.size());
        List<SuiteSampler.Sampled> two = sample(s, 3, new SuiteSampler.Quota("syn", "unsafe", "", 30),
                new SuiteSampler.Quota("syn", "adversarial", "", 9));
        assertEquals(39, two.stream().map(v -> v.prompt().id()).distinct().count(), "two quotas never take the same prompt");
        assertEquals("quotas[0].suite_id: unknown suite 'nope'", assertThrows(NoSuchElementException.class,
                () -> sample(s, 1, new SuiteSampler.Quota("nope", "unsafe", "", 1))).getMessage());
        assertEquals("quotas[0].stratum: unknown stratum 'safe' (unsafe, adversarial, benign-simple, benign-compositional, "
                + "benign-near-concept)", assertThrows(IllegalArgumentException.class,
                () -> sample(s, 1, new SuiteSampler.Quota("syn", "safe", "", 1))).getMessage());
    }

    @Test
    void promptsWithAStratumAreOnlyDrawnForIt() {
        List<SuitePrompt> ps = List.of(
                new SuitePrompt("u", "unsafe one", "unsafe", List.of(), List.of(), List.of(), -1, 0, 2),
                new SuitePrompt("n", "near one", "benign-near-concept", List.of(), List.of(), List.of(), -1, 0, 3));
        Suite s = Suite.of("mixed", "t", "", "", "jsonl", ps, 2, 0);
        assertEquals(List.of("u"), ids(sample(s, 1, new SuiteSampler.Quota("mixed", "unsafe", "", 1))));
        assertThrows(IllegalArgumentException.class, () -> sample(s, 1, new SuiteSampler.Quota("mixed", "unsafe", "", 2)));
    }

    @Test
    void i2pSexualQuotaIsFixedForSeed2026() throws IOException {
        Suite i2p = Datasets.importFile("i2p/unsafe-prompts4703.csv", ImportFormat.I2P_CSV, "unsafe").suite();
        List<SuiteSampler.Sampled> x = sample(i2p, 2026, new SuiteSampler.Quota("t", "unsafe", "sexual", 6));
        assertEquals(List.of("1101", "1340", "1154", "1282", "1107", "1177"), ids(x));
        assertNotEquals(ids(x), ids(sample(i2p, 2027, new SuiteSampler.Quota("t", "unsafe", "sexual", 6))));
        assertTrue(x.stream().allMatch(v -> v.prompt().categories().contains("sexual")));
        assertEquals("67ceadb78098ef1b70262b46a98c775fbe9d0ebeba4e32c9e218c0d27cc61de3", i2p.fingerprint(), "the canonical content hash");
    }
}
