package dev.lucid.report.svg;

import java.util.List;

/** A one-row legend of coloured swatches and names, wrapping onto more rows when it does not fit. */
public final class Legend {
    /** One legend entry. */
    public record Entry(String name, String color) {
    }

    private Legend() {
    }

    /** Draws the legend from (x, y) within {@code maxWidth}; returns the height it took. */
    public static double draw(Svg svg, double x, double y, double maxWidth, List<Entry> entries) {
        double cx = x;
        double cy = y;
        for (Entry e : entries) {
            double w = 18 + TextWidth.of(e.name(), Svg.SMALL) + 14;
            if (cx > x && cx + w > x + maxWidth) {
                cx = x;
                cy += 18;
            }
            svg.rect(cx, cy - 10, 12, 12, e.color(), "legend-swatch", "");
            svg.text(cx + 17, cy, e.name(), "start", Svg.SMALL, "legend-label");
            cx += w;
        }
        return entries.isEmpty() ? 0 : cy - y + 18;
    }
}
