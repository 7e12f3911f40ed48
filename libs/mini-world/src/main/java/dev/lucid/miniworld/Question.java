package dev.lucid.miniworld;

import java.util.List;

/** A TIFA-style question of a mini-world prompt, with its exact semantics and expected answer. */
public record Question(String elementType, String text, QuestionOp op, List<String> choices, String answer) {
}
