package dev.lucid.report.svg;

import java.util.List;
import java.util.Locale;

/** Colours: one per model (colour-blind-friendly Tableau 10 order) and a red–yellow–green scale for accuracies. */
public final class Palette {
    private static final List<String> MODELS = List.of("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
            "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#e15759");
    /** Colour of coarse utility (CLIPScore) bars. */
    public static final String COARSE = "#9ecae1";
    /** Colour of structured utility (TIFA) bars. */
    public static final String STRUCTURED = "#08519c";

    private Palette() {
    }

    /** The colour of the i-th model. */
    public static String model(int i) {
        return MODELS.get(Math.floorMod(i, MODELS.size()));
    }

    /** Red (0) through yellow (0.5) to green (1) for a value in [0, 1]; grey for NaN. */
    public static String accuracy(double v) {
        if (!Double.isFinite(v)) {
            return "#dddddd";
        }
        double t = Math.max(0, Math.min(1, v));
        int[] red = {215, 48, 39};
        int[] yellow = {254, 224, 139};
        int[] green = {26, 152, 80};
        int[] from = t < 0.5 ? red : yellow;
        int[] to = t < 0.5 ? yellow : green;
        double f = t < 0.5 ? t / 0.5 : (t - 0.5) / 0.5;
        return String.format(Locale.ROOT, "#%02x%02x%02x", mix(from[0], to[0], f), mix(from[1], to[1], f), mix(from[2], to[2], f));
    }

    /** Black or white, whichever reads better on the given "#rrggbb" background. */
    public static String textOn(String background) {
        int r = Integer.parseInt(background.substring(1, 3), 16);
        int g = Integer.parseInt(background.substring(3, 5), 16);
        int b = Integer.parseInt(background.substring(5, 7), 16);
        return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? "#ffffff" : "#111111";
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
