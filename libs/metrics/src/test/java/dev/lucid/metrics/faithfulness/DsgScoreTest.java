package dev.lucid.metrics.faithfulness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsgScoreTest {
    static DsgQuestion q(int id, String answer, String category, Integer... parents) {
        return new DsgQuestion(id, List.of(parents), answer, category);
    }

    @Test
    void parentAnsweredNoZeroesItsChild() {
        // 1 entity "no"; 2 attribute of 1 answered "yes" is zeroed; 3 independent "yes".
        DsgScore s = DsgScore.of(List.of(q(1, "no", "entity"), q(2, "yes", "attribute", 1), q(3, "Yes.", "entity")));
        assertFalse(s.credited(0));
        assertFalse(s.credited(1));
        assertTrue(s.credited(2));
        assertEquals(1 / 3.0, s.score(), 1e-15);
        Map<String, int[]> byCategory = s.byCategory();
        assertArrayEquals(new int[]{1, 2}, byCategory.get("entity"));
        assertArrayEquals(new int[]{0, 1}, byCategory.get("attribute"));
    }

    @Test
    void onlyDirectParentsVetoAsInDsgsCode() {
        // 1 "no" -> 2 (child of 1) answered "yes" is zeroed, but 3 (child of 2 only) keeps its credit: DSG reads
        // the parent's own answer, not its score after filtering.
        DsgScore s = DsgScore.of(List.of(q(1, "no", null), q(2, "yes", null, 1), q(3, "yes", null, 2)));
        assertFalse(s.credited(1));
        assertTrue(s.credited(2));
        assertEquals(1 / 3.0, s.score(), 1e-15);
        assertArrayEquals(new int[]{1, 3}, s.byCategory().get("unknown"));
    }

    @Test
    void anyAnswerOtherThanYesFailsAsParent() {
        DsgScore s = DsgScore.of(List.of(q(1, "no bus", null), q(2, "yes", null, 1)));
        assertEquals(0.0, s.score());
    }

    @Test
    void missingParentIsCountedAndCannotVeto() {
        DsgScore s = DsgScore.of(List.of(q(1, "yes", null, 7), q(2, "yes", null, 1, 9)));
        assertEquals(1.0, s.score());
        assertEquals(2, s.missingParents());
    }

    @Test
    @Timeout(5)
    void selfDependencyAndCyclesTerminate() {
        DsgScore self = DsgScore.of(List.of(q(1, "yes", null, 1), q(2, "no", null, 2)));
        assertEquals(0.5, self.score());
        DsgScore cycle = DsgScore.of(List.of(q(1, "yes", null, 3), q(2, "yes", null, 1), q(3, "no", null, 2)));
        // 1's parent 3 said "no": 1 zeroed; 2's parent 1 said "yes": credited; 3 said "no".
        assertEquals(1 / 3.0, cycle.score(), 1e-15);
        assertTrue(cycle.credited(1));
    }

    @Test
    void repeatedIdsAndEmptyImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DsgScore.of(List.of(q(1, "yes", null), q(1, "no", null))));
        assertThrows(IllegalArgumentException.class, () -> DsgScore.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> q(0, "yes", null));
        assertThrows(IllegalArgumentException.class, () -> q(2, "yes", null, 0));
    }

    @Test
    void answersAreNormalisedBeforeComparison() {
        assertEquals("yes", YesNoAnswer.normalize("  YES!. "));
        assertEquals("no bus", YesNoAnswer.normalize("No   bus."));
        assertEquals("", YesNoAnswer.normalize(null));
        assertTrue(YesNoAnswer.isYes("Yes"));
        assertFalse(YesNoAnswer.isYes("yes, a dog"));
        assertTrue(YesNoAnswer.isYesOrNo("no."));
        assertFalse(YesNoAnswer.isYesOrNo("maybe"));
    }
}
