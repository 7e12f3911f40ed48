package dev.lucid.suites;

import java.util.List;

/**
 * A structured-utility question about a prompt (TIFA question–answer pairs, GenEval requirements).
 *
 * @param elementType TIFA element type as the source writes it (object, animal/human, counting, color, spatial, ...)
 * @param op          machine-readable requirement as JSON where the source is structured (GenEval); empty otherwise
 */
public record SuiteQuestion(String id, String text, List<String> choices, String answer, String elementType, String element,
                            String op) {
    public SuiteQuestion {
        choices = List.copyOf(choices);
    }
}
