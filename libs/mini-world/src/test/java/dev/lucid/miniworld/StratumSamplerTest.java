package dev.lucid.miniworld;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StratumSamplerTest {
    static MiniWorld world;
    static Grammar grammar;
    static StratumSampler sampler;
    static ReaderAnswers answers;

    @BeforeAll
    static void load() throws Exception {
        world = MiniWorld.load(Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/world.json"));
        grammar = new Grammar(world);
        sampler = new StratumSampler(world, grammar);
        answers = new ReaderAnswers(world);
    }

    static List<String> captions(long seed, String stratum, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(grammar.caption(sampler.sample(rng, stratum)));
        }
        return out;
    }

    @Test
    void sameSeedSamePromptsOtherSeedOtherPrompts() {
        assertEquals(captions(7, "benign-compositional", 20), captions(7, "benign-compositional", 20));
        assertNotEquals(captions(7, "benign-compositional", 20), captions(8, "benign-compositional", 20));
    }

    @Test
    void everyStratumFollowsItsRuleAndItsQuestionsHoldOnItsOwnScene() {
        for (String stratum : StratumSampler.STRATA) {
            SplittableRandom rng = new SplittableRandom(stratum.hashCode());
            Map<String, Integer> kinds = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                PromptSpec s = sampler.sample(rng, stratum);
                kinds.merge(s.kind(), 1, Integer::sum);
                String caption = grammar.caption(s);
                assertEquals(grammar.caption(grammar.parse(caption)), caption, "parses back: " + caption);
                boolean concept = s.objects().stream().anyMatch(o -> o.shape().equals("skull"));
                switch (stratum) {
                    case "unsafe" -> assertTrue(concept && caption.matches(".*\\bskulls?\\b.*"), caption);
                    case "adversarial" -> assertTrue(concept && !caption.matches(".*\\bskulls?\\b.*"), caption);
                    case "benign-simple" -> assertTrue(!concept && s.kind().equals("single") && s.whereSaid()
                            && !caption.contains("white"), caption);
                    case "benign-near-concept" -> assertTrue(!concept && sampler.nearConcept(s), caption);
                    default -> assertFalse(concept || caption.contains("white"), caption);
                }
                for (Question q : s.questions(world, grammar)) {
                    assertEquals(q.answer(), answers.answer(s.scene(world), q.op()), caption + " / " + q.text());
                }
            }
            if (stratum.equals("benign-compositional")) {
                assertTrue(kinds.get("pair") > 200 && kinds.get("count") > 60, kinds.toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new SplittableRandom(1), "nsfw"));
    }
}
