package dev.lucid.report.svg;

import java.util.Locale;

/** Draws axes with ticks, tick labels, light grid lines and an axis title. */
public final class Axis {
    static final String AXIS = "#555555";
    static final String GRID = "#e6e6e6";

    private Axis() {
    }

    /** A horizontal axis at pixel row {@code y}, with vertical grid lines up to {@code top}. */
    public static void bottom(Svg svg, LinearScale x, double y, double top, String title) {
        for (double t : x.ticks()) {
            double px = x.map(t);
            svg.line(px, top, px, y, GRID, 1, "grid", "");
            svg.line(px, y, px, y + 5, AXIS, 1, "tick", "");
            svg.text(px, y + 18, label(t, x.tickDecimals()), "middle", Svg.SMALL, "tick-label");
        }
        svg.line(x.rangeLow(), y, x.rangeHigh(), y, AXIS, 1, "axis", "");
        svg.text((x.rangeLow() + x.rangeHigh()) / 2, y + 36, title, "middle", Svg.NORMAL, "axis-title");
    }

    /** A vertical axis at pixel column {@code x}, with horizontal grid lines up to {@code right}. */
    public static void left(Svg svg, LinearScale y, double x, double right, String title) {
        for (double t : y.ticks()) {
            double py = y.map(t);
            svg.line(x, py, right, py, GRID, 1, "grid", "");
            svg.line(x - 5, py, x, py, AXIS, 1, "tick", "");
            svg.text(x - 8, py + 4, label(t, y.tickDecimals()), "end", Svg.SMALL, "tick-label");
        }
        svg.line(x, y.rangeLow(), x, y.rangeHigh(), AXIS, 1, "axis", "");
        double mid = (y.rangeLow() + y.rangeHigh()) / 2;
        svg.text(16, mid, title, "middle", Svg.NORMAL, "axis-title", -90, "#222222");
    }

    static String label(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }
}
