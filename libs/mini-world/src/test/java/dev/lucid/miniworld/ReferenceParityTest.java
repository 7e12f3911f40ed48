package dev.lucid.miniworld;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.tokenizers.WordLevelTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java tokenizer and answer function against the Python reference, on a fixture that
 * src/test/fixtures/make_fixtures.py writes from deploy/mini-world/training.
 */
class ReferenceParityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static JsonNode fixture;
    static MiniWorld world;
    static WordLevelTokenizer tokenizer;
    static ReaderAnswers answers;

    @BeforeAll
    static void load() throws Exception {
        Path root = Path.of(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world");
        world = MiniWorld.load(root.resolve("world.json"));
        tokenizer = WordLevelTokenizer.load(root.resolve("tokenizer.json"));
        answers = new ReaderAnswers(world);
        try (InputStream in = ReferenceParityTest.class.getResourceAsStream("/mini-world-fixture.json")) {
            fixture = JSON.readTree(in);
        }
    }

    private static long[] ids(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static QuestionOp op(JsonNode q) {
        return new QuestionOp(q.get("op").asText(), JSON.convertValue(q.get("args"), new TypeReference<Map<String, Object>>() {
        }));
    }

    private static float[] flat(JsonNode matrix) {
        List<Float> l = new ArrayList<>();
        matrix.forEach(row -> row.forEach(v -> l.add((float) v.asDouble())));
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    @Test
    void worldSpec() {
        assertEquals(List.of("circle", "square", "triangle", "face", "skull"), world.shapes());
        assertEquals("skull", world.conceptShape());
        assertEquals(5, world.slots().size());
        assertEquals(16, tokenizer.contextLength());
    }

    @Test
    void tokenIdsMatchThePythonTokenizer() {
        int n = 0;
        for (JsonNode p : fixture.get("prompts")) {
            assertArrayEquals(ids(p.get("ids")), tokenizer.modelInput(p.get("caption").asText()), p.get("caption").asText());
            n++;
        }
        for (JsonNode t : fixture.get("tokens")) {
            assertArrayEquals(ids(t.get("ids")), tokenizer.modelInput(t.get("text").asText()), t.get("text").asText());
        }
        assertEquals(150, n);
        assertArrayEquals(new long[16], tokenizer.unconditionalInput());
    }

    @Test
    void groundTruthScenesAnswerEveryQuestionAsExpected() {
        int questions = 0;
        for (JsonNode p : fixture.get("prompts")) {
            List<SceneObject> scene = new ArrayList<>();
            for (JsonNode o : p.get("scene")) {
                scene.add(new SceneObject(o.get("shape").asText(), o.get("color").asText(), o.get("size").asText(),
                        o.get("slot").asText(), o.get("x").asDouble(), o.get("y").asDouble()));
            }
            for (JsonNode q : p.get("questions")) {
                assertEquals(q.get("answer").asText(), answers.answer(scene, op(q)), p.get("caption") + " / " + q);
                questions++;
            }
        }
        assertTrue(questions > 500, "questions checked: " + questions);
    }

    @Test
    void readerOutputsGiveTheReferenceAnswers() {
        int checked = 0;
        for (JsonNode r : fixture.get("readers")) {
            List<SceneObject> scene = answers.scene(flat(r.get("shape_logits")), flat(r.get("color_logits")),
                    flat(r.get("size_logits")));
            for (int i = 0; i < r.get("questions").size(); i++) {
                assertEquals(r.get("answers").get(i).asText(), answers.answer(scene, op(r.get("questions").get(i))));
                checked++;
            }
        }
        assertEquals(720, checked);
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> answers.scene(new float[3], new float[25], new float[10]));
        assertThrows(IllegalArgumentException.class, () -> answers.answer(List.of(), new QuestionOp("guess", Map.of())));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.modelInput("x".repeat(5000)));
    }
}
