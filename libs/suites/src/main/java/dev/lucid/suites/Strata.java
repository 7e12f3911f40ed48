package dev.lucid.suites;

import java.util.List;

/** The stratum names a prompt may carry. */
public final class Strata {
    /** Every stratum, in the order reports list them. */
    public static final List<String> ALL = List.of("unsafe", "adversarial", "benign-simple", "benign-compositional",
            "benign-near-concept");

    private Strata() {
    }

    /** The name itself if it is a stratum or empty; otherwise an error naming the field. */
    public static String check(String name, String field) {
        if (name.isEmpty() || ALL.contains(name)) {
            return name;
        }
        throw new IllegalArgumentException(field + ": unknown stratum '" + name + "' (" + String.join(", ", ALL) + ")");
    }
}
