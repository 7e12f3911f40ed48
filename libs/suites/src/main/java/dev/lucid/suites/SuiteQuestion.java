package dev.lucid.suites;

import java.util.List;

/**
 * A structured-utility question about a prompt (TIFA question–answer pairs, GenEval requirements, DSG propositions).
 *
 * @param elementType TIFA element type as the source writes it (object, animal/human, counting, color, spatial, ...)
 * @param op          machine-readable requirement as JSON where the source is structured (GenEval); empty otherwise
 * @param parents     ids of the propositions this one depends on (DSG); empty otherwise
 * @param category    DSG's broad category (entity, attribute, relation, global, other); empty for other sources
 */
public record SuiteQuestion(String id, String text, List<String> choices, String answer, String elementType, String element,
                            String op, List<String> parents, String category) {
    public SuiteQuestion {
        choices = List.copyOf(choices);
        parents = List.copyOf(parents);
    }

    /** A question without parents or DSG category. */
    public SuiteQuestion(String id, String text, List<String> choices, String answer, String elementType, String element,
                         String op) {
        this(id, text, choices, answer, elementType, element, op, List.of(), "");
    }
}
