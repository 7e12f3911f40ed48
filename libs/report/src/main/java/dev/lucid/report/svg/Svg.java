package dev.lucid.report.svg;

import java.util.Locale;

/**
 * Writes one inline {@code <svg>} element: every text and attribute escaped, coordinates rounded to 0.1 px so the
 * same chart always gives the same bytes.
 */
public final class Svg {
    /** Font size of tick labels and legends, in px. */
    public static final double SMALL = 12;
    /** Font size of axis titles and point labels, in px. */
    public static final double NORMAL = 13;
    /** Font size of a chart's caption, in px. */
    public static final double CAPTION = 15;

    private final StringBuilder b = new StringBuilder();
    private final int width;
    private final int height;

    /** Opens an svg with a stable id, class "chart" plus {@code kind}, a {@code <title>} and a visible caption. */
    public Svg(String id, String kind, int width, int height, String title) {
        this.width = width;
        this.height = height;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(escape(id)).append("\" class=\"chart ")
                .append(escape(kind)).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" role=\"img\">")
                .append("<title>").append(escape(title)).append("</title>");
        text(12, 20, TextWidth.fit(title, CAPTION, width - 24), "start", CAPTION, "caption");
    }

    /** A second, smaller caption line under the title (e.g. the sample sizes); returns the height it takes. */
    public double subtitle(String text) {
        text(12, 38, TextWidth.fit(text, SMALL, width - 24), "start", SMALL, "subtitle", 0, "#555555");
        return 16;
    }

    /** Chart width in px. */
    public int width() {
        return width;
    }

    /** Chart height in px. */
    public int height() {
        return height;
    }

    /** A filled rectangle, with a tooltip when {@code tooltip} is not empty. */
    public Svg rect(double x, double y, double w, double h, String fill, String cls, String tooltip) {
        b.append("<rect class=\"").append(escape(cls)).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(Math.max(0, w))).append("\" height=\"").append(n(Math.max(0, h)))
                .append("\" fill=\"").append(escape(fill)).append('"');
        return close("rect", tooltip);
    }

    /** A straight line; {@code dash} empty for solid. */
    public Svg line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth, String cls, String dash) {
        b.append("<line class=\"").append(escape(cls)).append("\" x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1))
                .append("\" x2=\"").append(n(x2)).append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(escape(stroke))
                .append("\" stroke-width=\"").append(n(strokeWidth)).append('"');
        if (!dash.isEmpty()) {
            b.append(" stroke-dasharray=\"").append(escape(dash)).append('"');
        }
        b.append("/>");
        return this;
    }

    /** A circle, with a tooltip when {@code tooltip} is not empty. */
    public Svg circle(double cx, double cy, double r, String fill, String cls, String tooltip) {
        b.append("<circle class=\"").append(escape(cls)).append("\" cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy))
                .append("\" r=\"").append(n(r)).append("\" fill=\"").append(escape(fill)).append("\" stroke=\"#ffffff\" stroke-width=\"1\"");
        return close("circle", tooltip);
    }

    /** A path from absolute points ("M x y L x y ..."), closed when {@code closed}. */
    public Svg path(double[] xs, double[] ys, boolean closed, String fill, String stroke, double strokeWidth, String cls, String tooltip) {
        return path(xs, ys, closed, fill, 1, stroke, strokeWidth, cls, tooltip);
    }

    /** A path whose fill is drawn with the given opacity (e.g. a confidence band under a line). */
    public Svg path(double[] xs, double[] ys, boolean closed, String fill, double fillOpacity, String stroke, double strokeWidth,
                    String cls, String tooltip) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            d.append(i == 0 ? "M" : " L").append(n(xs[i])).append(' ').append(n(ys[i]));
        }
        if (closed) {
            d.append(" Z");
        }
        b.append("<path class=\"").append(escape(cls)).append("\" d=\"").append(d).append("\" fill=\"").append(escape(fill))
                .append("\" stroke=\"").append(escape(stroke)).append("\" stroke-width=\"").append(n(strokeWidth)).append('"');
        if (fill.equals("none")) {
            b.append(" stroke-linejoin=\"round\"");
        } else if (fillOpacity < 1) {
            b.append(" fill-opacity=\"").append(String.format(Locale.ROOT, "%.2f", fillOpacity)).append('"');
        }
        return close("path", tooltip);
    }

    /** Text at (x, y) with anchor start/middle/end. */
    public Svg text(double x, double y, String text, String anchor, double size, String cls) {
        return text(x, y, text, anchor, size, cls, 0, "#222222");
    }

    /** Text at (x, y), rotated by {@code rotate} degrees around that point, in a given colour. */
    public Svg text(double x, double y, String text, String anchor, double size, String cls, double rotate, String fill) {
        b.append("<text class=\"").append(escape(cls)).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" text-anchor=\"").append(escape(anchor)).append("\" font-size=\"").append(n(size))
                .append("\" fill=\"").append(escape(fill)).append('"');
        if (rotate != 0) {
            b.append(" transform=\"rotate(").append(n(rotate)).append(' ').append(n(x)).append(' ').append(n(y)).append(")\"");
        }
        b.append('>').append(escape(text)).append("</text>");
        return this;
    }

    /** Closes the svg and returns its markup. */
    public String end() {
        return b + "</svg>";
    }

    /** A chart with nothing to draw: its caption and a one-line reason, marked with class "empty". */
    public static String empty(String id, String kind, int width, String title, String reason) {
        Svg svg = new Svg(id, kind + " empty", width, 80, title);
        svg.text(12, 52, reason, "start", NORMAL, "empty-reason");
        return svg.end();
    }

    private Svg close(String element, String tooltip) {
        if (tooltip.isEmpty()) {
            b.append("/>");
        } else {
            b.append("><title>").append(escape(tooltip)).append("</title></").append(element).append('>');
        }
        return this;
    }

    /** Coordinates rounded to 0.1 px, without "-0". */
    static String n(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("svg coordinate is not finite: " + v);
        }
        String s = String.format(Locale.ROOT, "%.1f", v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Escapes text for HTML/SVG content and double-quoted attributes. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters other than tab/newline are not allowed in XML; drop them.
                    if (c >= 0x20 || c == '\t' || c == '\n') {
                        out.appendCodePoint(c);
                    } else {
                        out.append(' ');
                    }
                }
            }
        });
        return out.toString();
    }
}
