package dev.lucid.miniworld;

/** One object of a scene: shape, colour, size and the slot it sits in (with the slot's centre). */
public record SceneObject(String shape, String color, String size, String slot, double x, double y) {
}
