package dev.lucid.suites;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteStoreTest {
    @Test
    void suitesSurviveAReopenAndCorruptFilesAreRefused(@TempDir Path dir) throws IOException {
        Suite s = SuiteSamplerTest.synthetic();
        List<SuitePrompt> withQuestion = List.of(new SuitePrompt("q", "two cats", "benign-compositional", List.of("counting"),
                List.of("tag=counting"), List.of(new SuiteQuestion("q0", "are there 2 cats?", List.of("yes", "no"), "yes", "counting",
                "cat", "{\"op\":\"x\"}")), -1, 7.5, 3));
        Suite t = Suite.of("tifa-like", "tifa", "Apache-2.0", "d", "tifa", withQuestion, 1, 0);
        SuiteStore store = new SuiteStore(dir, 1 << 20);
        store.save(s);
        store.save(t);
        SuiteStore.Loaded back = new SuiteStore(dir, 1 << 20).loadAll(10);
        assertEquals(List.of(), back.problems());
        assertEquals(List.of("syn", "tifa-like"), back.suites().stream().map(Suite::id).toList());
        Suite again = back.suites().get(1);
        assertEquals(t.fingerprint(), again.fingerprint());
        assertEquals(t.prompts().get(0).questions(), again.prompts().get(0).questions());
        assertEquals(7.5, again.prompts().get(0).guidance());

        Path f = dir.resolve("syn.suite.jsonl");
        Files.writeString(f, Files.readString(f).replace("a prompt number 5\"", "a prompt number 6\""));
        SuiteStore.Loaded corrupt = new SuiteStore(dir, 1 << 20).loadAll(10);
        assertEquals(List.of("tifa-like"), corrupt.suites().stream().map(Suite::id).toList());
        assertTrue(corrupt.problems().get(0).reason().startsWith("content hashes to "), corrupt.problems().toString());
        assertEquals(1, new SuiteStore(dir, 1 << 20).loadAll(1).suites().size(), "bounded number of suites");
    }
}
