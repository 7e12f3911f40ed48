package dev.lucid.miniworld;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Captions parsed in Java give the Python reference's scenes and questions, and print back unchanged. */
class GrammarParityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static MiniWorld world;
    static Grammar grammar;
    static JsonNode fixture;

    @BeforeAll
    static void load() throws Exception {
        world = MiniWorld.load(Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/world.json"));
        grammar = new Grammar(world);
        try (InputStream in = GrammarParityTest.class.getResourceAsStream("/mini-world-fixture.json")) {
            fixture = JSON.readTree(in);
        }
    }

    @Test
    void everyReferencePromptParsesToItsSceneAndQuestions() {
        int questions = 0;
        for (JsonNode p : fixture.get("prompts")) {
            String caption = p.get("caption").asText();
            PromptSpec spec = grammar.parse(caption);
            assertEquals(caption, grammar.caption(spec), "caption round trip");
            List<SceneObject> scene = spec.scene(world);
            assertEquals(p.get("scene").size(), scene.size(), caption);
            for (int i = 0; i < scene.size(); i++) {
                JsonNode o = p.get("scene").get(i);
                assertEquals(o.get("shape").asText() + o.get("color").asText() + o.get("size").asText() + o.get("slot").asText(),
                        scene.get(i).shape() + scene.get(i).color() + scene.get(i).size() + scene.get(i).slot(), caption);
            }
            List<Question> qs = spec.questions(world, grammar);
            JsonNode expected = p.get("questions");
            assertEquals(expected.size(), qs.size(), caption);
            for (int i = 0; i < qs.size(); i++) {
                JsonNode e = expected.get(i);
                Question q = qs.get(i);
                assertEquals(e.get("question").asText(), q.text(), caption);
                assertEquals(e.get("element_type").asText(), q.elementType());
                assertEquals(e.get("op").asText(), q.op().op());
                assertEquals(JSON.convertValue(e.get("args"), new TypeReference<Map<String, Object>>() {
                }), q.op().args(), caption + " / " + q.text());
                assertEquals(e.get("answer").asText(), q.answer());
                assertEquals(JSON.convertValue(e.get("choices"), new TypeReference<List<String>>() {
                }), q.choices());
                questions++;
            }
        }
        assertEquals(true, questions > 500);
    }

    @Test
    void captionsOutsideTheGrammarAreRefusedWithTheWord() {
        assertEquals("caption 'a purple circle': 'purple' needs a colour of the world",
                assertThrows(IllegalArgumentException.class, () -> grammar.parse("a purple circle")).getMessage());
        assertEquals("caption 'two circle': 'circle' is not a plural noun of the world",
                assertThrows(IllegalArgumentException.class, () -> grammar.parse("two circle")).getMessage());
        assertEquals("caption 'a red skull': the skull is always white",
                assertThrows(IllegalArgumentException.class, () -> grammar.parse("a red skull")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> grammar.parse(""));
        assertThrows(IllegalArgumentException.class, () -> grammar.parse("the red circle"));
    }
}
