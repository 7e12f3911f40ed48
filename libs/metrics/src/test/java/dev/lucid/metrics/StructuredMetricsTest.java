package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TIFA aggregation rules and the geometry diagnostics against hand-computed values. */
class StructuredMetricsTest {
    static final Bootstrap B = Bootstrap.standard(5);

    static QuestionOutcome q(String prompt, String type, boolean correct) {
        return new QuestionOutcome(prompt, 1, ElementType.parse(type), correct);
    }

    @Test
    void tifaAveragesPromptAccuraciesButPoolsQuestionsPerElementType() {
        Tifa t = Tifa.of(List.of(q("p1", "color", true), q("p1", "color", false), q("p1", "counting", true),
                q("p2", "color", true)));
        assertEquals(Map.of("p1", 2.0 / 3, "p2", 1.0), t.promptScores());
        // Benchmark: mean of prompt scores (2/3 + 1)/2, not the pooled 3/4.
        assertEquals(5.0 / 6, t.score(B).estimate(), 1e-15);
        Map<ElementType, ConfidenceInterval> types = t.byElementType(B);
        // Color: pooled over questions 2/3, not the mean of per-prompt color accuracies (0.5 + 1)/2.
        assertEquals(2.0 / 3, types.get(ElementType.COLOR).estimate(), 1e-15);
        assertEquals(1.0, types.get(ElementType.COUNTING).estimate(), 0);
        assertEquals(List.of(ElementType.COUNTING, ElementType.COLOR), List.copyOf(types.keySet()));
    }

    @Test
    void tifaPairedDeltasOverallAndPerType() {
        Tifa base = Tifa.of(List.of(q("p1", "color", true), q("p1", "food", true), q("p2", "food", true)));
        Tifa model = Tifa.of(List.of(q("p1", "color", true), q("p1", "food", false), q("p2", "food", false)));
        ConfidenceInterval d = model.pairedDelta(base, B);
        assertEquals((0.5 + 0.0) / 2 - 1.0, d.estimate(), 1e-15);
        assertEquals(-1.0, model.pairedDeltaByElementType(base, B).get(ElementType.FOOD).estimate(), 0);
        assertEquals(0.0, model.pairedDeltaByElementType(base, B).get(ElementType.COLOR).estimate(), 0);
    }

    @Test
    void elementTypesFollowTifaNamesWithAnimalAndHumanMerged() {
        assertEquals(ElementType.ANIMAL_HUMAN, ElementType.parse("animal"));
        assertEquals(ElementType.ANIMAL_HUMAN, ElementType.parse("Human"));
        assertEquals("animal/human", ElementType.ANIMAL_HUMAN.label());
        assertEquals(12, ElementType.values().length);
        assertThrows(IllegalArgumentException.class, () -> ElementType.parse("texture"));
    }

    @Test
    void spreadOfNormalisedEmbeddings() {
        // e1 and e2 (after normalising (0, 2)): mean (½, ½), Σ‖z − z̄‖² = 1, S = 1/(2−1).
        assertEquals(1.0, SemanticGeometry.spread(new float[][]{{1, 0}, {0, 2}}), 1e-15);
        // e1, e1, e2: Σ‖z − z̄‖² = 2·2/9 + 8/9 = 4/3, S = (4/3)/2.
        assertEquals(2.0 / 3, SemanticGeometry.spread(new float[][]{{1, 0}, {3, 0}, {0, 1}}), 1e-15);
    }

    @Test
    void spreadRatioOfACollapsedEncoder() {
        // Base at 0° and 90° (S = 1); aligned at 0° and 45°: S = 2 − (2 + 2·cos45°)/2 = 1 − √½.
        float c = (float) Math.sqrt(0.5);
        SemanticGeometry g = new SemanticGeometry(new float[][]{{1, 0}, {0, 1}}, new float[][]{{1, 0}, {c, c}});
        assertEquals(1 - Math.sqrt(0.5), g.spreadRatio(B).estimate(), 1e-7);
    }

    @Test
    void jaccardOfTopKCosineNeighbours() {
        double[] base = {0, 10, 20, 90};
        double[] aligned = {0, 10, 90, 20};
        SemanticGeometry g = new SemanticGeometry(angles(base), angles(aligned));
        double[] j2 = g.jaccardPerPrompt(2);
        // Prompt 0: base neighbours {1, 2}, aligned {1, 3} → 1/3.
        assertEquals(1.0 / 3, j2[0], 1e-15);
        // Prompt 3: base (90°) neighbours {2 (20°), 1 (10°)}; aligned (20°) neighbours {1 (10°), 0 (0°)} → 1/3.
        assertEquals(1.0 / 3, j2[3], 1e-15);
        SemanticGeometry same = new SemanticGeometry(angles(base), angles(base));
        // One Gram matrix shared by both sides (an encoder the alignment left unchanged) gives the same figures.
        SemanticGeometry.CosineGram shared = SemanticGeometry.CosineGram.of(angles(base), "base");
        SemanticGeometry sharing = new SemanticGeometry(shared, shared);
        assertEquals(same.spreadRatio(B), sharing.spreadRatio(B));
        assertEquals(same.jaccard(2, B), sharing.jaccard(2, B));
        assertEquals(1.0, sharing.spreadRatio(B).lower(), 0);
        assertArrayEquals(new double[]{1, 1, 1, 1}, same.jaccardPerPrompt(2), 0);
        assertEquals(1.0, same.jaccard(SemanticGeometry.DEFAULT_K - 2, B).estimate(), 0);
        assertThrows(IllegalArgumentException.class, () -> same.jaccardPerPrompt(4));
        assertThrows(IllegalArgumentException.class, () -> new SemanticGeometry(angles(base), angles(new double[]{0, 1})));
        assertThrows(IllegalArgumentException.class, () -> SemanticGeometry.spread(new float[][]{{0, 0}, {1, 0}}));
    }

    static float[][] angles(double[] degrees) {
        float[][] out = new float[degrees.length][];
        for (int i = 0; i < degrees.length; i++) {
            double r = Math.toRadians(degrees[i]);
            out[i] = new float[]{(float) Math.cos(r), (float) Math.sin(r)};
        }
        return out;
    }
}
