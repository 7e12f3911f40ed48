package dev.lucid.metrics;

import java.util.Locale;

/** TIFA's element types (TIFA v1.0 tags "animal" and "human" are merged, as TIFA reports them). */
public enum ElementType {
    OBJECT("object"), ANIMAL_HUMAN("animal/human"), FOOD("food"), ACTIVITY("activity"), ATTRIBUTE("attribute"),
    COUNTING("counting"), COLOR("color"), MATERIAL("material"), SPATIAL("spatial"), LOCATION("location"),
    SHAPE("shape"), OTHER("other");

    private final String label;

    ElementType(String label) {
        this.label = label;
    }

    /** The name TIFA uses. */
    public String label() {
        return label;
    }

    /** Parses a TIFA element type tag ("animal", "human" and "animal/human" all give ANIMAL_HUMAN). */
    public static ElementType parse(String tag) {
        String t = tag.trim().toLowerCase(Locale.ROOT);
        if (t.equals("animal") || t.equals("human") || t.equals("animal/human")) {
            return ANIMAL_HUMAN;
        }
        for (ElementType e : values()) {
            if (e.label.equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown TIFA element type '" + tag + "' (known: object, animal, human, food, "
                + "activity, attribute, counting, color, material, spatial, location, shape, other)");
    }
}
