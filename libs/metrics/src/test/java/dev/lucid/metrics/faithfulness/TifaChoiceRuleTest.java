package dev.lucid.metrics.faithfulness;

import dev.lucid.metrics.ElementType;
import dev.lucid.metrics.QuestionOutcome;
import dev.lucid.metrics.Tifa;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TifaChoiceRuleTest {
    final TifaChoiceRule rule = TifaChoiceRule.withTrigrams();
    final List<String> colors = List.of("black", "green", "yellow", "brown");

    @Test
    void exactChoiceIsTakenAsIs() {
        // The similarity is never consulted for an exact choice.
        TifaChoiceRule never = new TifaChoiceRule((a, c) -> {
            throw new AssertionError("similarity called");
        });
        assertEquals("yellow", never.map("yellow", colors));
    }

    @Test
    void freeFormAnswerMapsToTheMostSimilarChoice() {
        // TIFA's own example: "pale green" should map to "green".
        assertEquals("green", rule.map("pale green", colors));
        assertEquals("brown", rule.map("Brown.", colors));
    }

    @Test
    void tiesGoToTheFirstChoiceAsArgmaxDoes() {
        TifaChoiceRule flat = new TifaChoiceRule((a, c) -> 0.5);
        assertEquals("black", flat.map("purple", colors));
    }

    @Test
    void outcomesFeedTifasPerTypeAccuracy() {
        List<QuestionOutcome> outcomes = List.of(
                rule.outcome("p1", 0, ElementType.COLOR, "pale green", colors, "green"),
                rule.outcome("p1", 0, ElementType.COLOR, "black", colors, "green"),
                rule.outcome("p2", 0, ElementType.COUNTING, "3", List.of("2", "3", "4"), "3"));
        assertTrue(outcomes.get(0).correct());
        assertFalse(outcomes.get(1).correct());
        Map<ElementType, ConfidenceInterval> byType = Tifa.of(outcomes).byElementType(Bootstrap.standard(1));
        assertEquals(0.5, byType.get(ElementType.COLOR).estimate());
        assertEquals(1.0, byType.get(ElementType.COUNTING).estimate());
        assertEquals(2, byType.size());
    }

    @Test
    void badQuestionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> rule.map("x", List.of()));
        assertThrows(IllegalArgumentException.class, () -> rule.outcome("p", 0, ElementType.COLOR, "red", colors, "red"));
        assertThrows(IllegalArgumentException.class,
                () -> new TifaChoiceRule((a, c) -> Double.NaN).map("red", colors));
    }
}
