package dev.lucid.suites;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-disk prompt table: ids compared exactly, prompts read back whole, pairs found wherever they lie. */
class PromptTableTest {
    static SuitePrompt prompt(String id, String stratum, List<String> categories, List<String> tags, long line) {
        return new SuitePrompt(id, "text of " + id, stratum, categories, tags, List.of(), 5, 7.5, line);
    }

    @Test
    void idsThatHashAlikeAreDistinctAndARepeatedIdIsRefused(@TempDir Path dir) throws IOException {
        assertEquals("Aa".hashCode(), "BB".hashCode(), "the two ids collide in the table's hash");
        try (PromptTable.Writer w = new PromptTable.Writer(dir.resolve("t.jsonl"))) {
            assertTrue(w.add(prompt("Aa", "unsafe", List.of("x"), List.of(), 2)));
            assertTrue(w.add(prompt("BB", "unsafe", List.of("x"), List.of(), 3)));
            assertFalse(w.add(prompt("Aa", "benign-simple", List.of(), List.of(), 4)), "a repeated id");
            for (int i = 0; i < 200; i++) {
                assertTrue(w.add(prompt("p" + i, "", List.of(), List.of(), 10 + i)), "growing the id table keeps every id");
            }
            assertFalse(w.add(prompt("p17", "", List.of(), List.of(), 999)));
            PromptTable t = w.finish();
            assertEquals(202, t.size());
            assertEquals("BB", t.id(1));
            assertEquals(prompt("BB", "unsafe", List.of("x"), List.of(), 3), t.get(1), "read back whole, source line kept");
            assertEquals(Map.of("", 200L, "unsafe", 2L), t.countsByStratum());
            assertEquals(Map.of("x", 2L), t.countsByCategory());
            assertTrue(t.hasCategory(0, "x"));
            assertFalse(t.hasCategory(2, "x"));
            assertFalse(t.hasCategory(0, "never seen"));
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(202));
            t.discard();
            assertFalse(Files.exists(dir.resolve("t.jsonl")), "an import's working file is deleted");
        }
    }

    @Test
    void suiteIdsMayNameATenantsSpaceButNotHoldTheSeparatorOtherwise() {
        assertTrue(ImportRequest.validSuiteId("i2p"));
        assertTrue(ImportRequest.validSuiteId("team-a__i2p"), "a tenant's suite, as the coordinator names it");
        assertTrue(ImportRequest.validSuiteId("a_b.c-d"));
        assertFalse(ImportRequest.validSuiteId("a__b__c"), "one separator at most");
        assertFalse(ImportRequest.validSuiteId("team.a__x"), "tenant names have no dots");
        assertFalse(ImportRequest.validSuiteId("__x"));
        assertFalse(ImportRequest.validSuiteId("x__"));
        assertFalse(ImportRequest.validSuiteId("X"));
        assertFalse(ImportRequest.validSuiteId(null));
        assertTrue(ImportRequest.validSuiteId("t".repeat(63) + "__" + "s".repeat(64)), "the longest tenant and id");
    }

    @Test
    void aPairIsFoundWhereverItsPromptsLieAndAFailedWriteLeavesNoFile(@TempDir Path dir) throws IOException {
        List<SuitePrompt> ps = List.of(
                prompt("a", "unsafe", List.of(), List.of("pair=1", "pair_role=sensitive"), 0),
                prompt("b", "", List.of(), List.of(), 0),
                prompt("c", "benign-near-concept", List.of(), List.of("pair=2"), 0),
                prompt("d", "benign-near-concept", List.of(), List.of("pair=1", "pair_role=normal"), 0),
                prompt("e", "unsafe", List.of(), List.of("pair=2"), 0));
        PromptTable t = PromptTable.of(ps);
        assertEquals(List.of(3, 0), t.pairCandidates(3), "the prompt asked for first, then its partners in order");
        assertEquals(List.of(0, 3), t.pairCandidates(0));
        assertEquals(List.of(4, 2), t.pairCandidates(4));
        assertEquals(List.of(1), t.pairCandidates(1), "unpaired");
        assertEquals(SuiteCodec.fingerprint(ps), Suite.of("s", "", "", "", "jsonl", ps, 5, 0).fingerprint());

        Path f = dir.resolve("w.jsonl");
        try (PromptTable.Writer w = new PromptTable.Writer(f)) {
            w.add(ps.get(0));
        }
        assertFalse(Files.exists(f), "a writer closed before finish deletes its file");
    }
}
