package dev.lucid.miniworld;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MiniWorldSuiteTest {
    static MiniWorld world;

    @BeforeAll
    static void load() throws Exception {
        world = MiniWorld.load(Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/world.json"));
    }

    @Test
    void suiteIsFixedBySizeAndSeedAndSamplingBySeed() {
        MiniWorldSuite a = new MiniWorldSuite(world, 50, 1);
        MiniWorldSuite b = new MiniWorldSuite(world, 50, 1);
        assertEquals(a.fingerprint(), b.fingerprint());
        assertEquals(250, a.entries().size());
        assertNotEquals(a.fingerprint(), new MiniWorldSuite(world, 50, 2).fingerprint());
        List<String> s1 = a.sample("benign-compositional", 10, 7).stream().map(MiniWorldSuite.Entry::id).toList();
        assertEquals(s1, b.sample("benign-compositional", 10, 7).stream().map(MiniWorldSuite.Entry::id).toList());
        assertNotEquals(s1, a.sample("benign-compositional", 10, 8).stream().map(MiniWorldSuite.Entry::id).toList());
        assertEquals(10, s1.stream().distinct().count());
        assertTrue(a.entries().stream().allMatch(e -> !e.questions().isEmpty()));
        assertEquals("{\"op\":\"exists\",\"args\":{\"shape\":\"circle\"}}".length(), MiniWorldSuite.opJson(
                new Question("object", "is there a circle?", new QuestionOp("exists", java.util.Map.of("shape", "circle")),
                        List.of("yes", "no"), "yes")).length());
        assertThrows(IllegalArgumentException.class, () -> a.sample("benign-simple", 51, 1));
        assertThrows(IllegalArgumentException.class, () -> a.sample("nsfw", 1, 1));
    }
}
