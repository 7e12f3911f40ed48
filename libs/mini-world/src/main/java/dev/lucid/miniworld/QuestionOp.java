package dev.lucid.miniworld;

import java.util.Map;

/**
 * The exact semantics of a mini-world question: an op ({@code exists}, {@code count}, {@code color_of},
 * {@code shape_of}, {@code position_of}, {@code size_of}, {@code relation}) and its arguments. For
 * {@code relation}, {@code a} and {@code b} are filters ({@code shape}, optional {@code color}) and
 * {@code rel} a relation name.
 */
public record QuestionOp(String op, Map<String, Object> args) {
}
