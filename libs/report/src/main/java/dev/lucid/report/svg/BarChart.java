package dev.lucid.report.svg;

import java.util.ArrayList;
import java.util.List;

/** Grouped vertical bars from zero with 95% CI whiskers, an optional shaded band and an optional reference line. */
public final class BarChart {
    /** One series (a bar in every group). */
    public record Series(String name, String color) {
    }

    /** One bar; NaN value means missing, NaN bounds mean no whisker. */
    public record Bar(double value, double low, double high, String tooltip) {
        /** A bar with nothing to show. */
        public static Bar missing(String tooltip) {
            return new Bar(Double.NaN, Double.NaN, Double.NaN, tooltip);
        }
    }

    /** One group of bars, one per series. */
    public record Group(String label, List<Bar> bars) {
        public Group {
            bars = List.copyOf(bars);
        }
    }

    private static final int WIDTH = 560;
    private static final int HEIGHT = 320;

    private final String id;
    private final String title;
    private final String yTitle;
    private final List<Series> series;
    private final List<Group> groups;
    private double bandLow = Double.NaN;
    private double bandHigh = Double.NaN;
    private String bandLabel = "";
    private double reference = Double.NaN;
    private String referenceLabel = "";
    private String subtitle = "";

    /** A chart with a stable svg id, a title, the y axis title, its series and groups. */
    public BarChart(String id, String title, String yTitle, List<Series> series, List<Group> groups) {
        this.id = id;
        this.title = title;
        this.yTitle = yTitle;
        this.series = List.copyOf(series);
        this.groups = List.copyOf(groups);
        for (Group g : this.groups) {
            if (g.bars().size() != this.series.size()) {
                throw new IllegalArgumentException("bar chart " + id + ": group " + g.label() + " has " + g.bars().size()
                        + " bars for " + this.series.size() + " series");
            }
        }
    }

    /** Shades [low, high] (e.g. the equivalence margin). */
    public BarChart band(double low, double high, String label) {
        this.bandLow = low;
        this.bandHigh = high;
        this.bandLabel = label;
        return this;
    }

    /** A smaller line under the title (e.g. the sample sizes). */
    public BarChart subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    /** Draws a dashed line at {@code value} (e.g. 1 for "no change"). */
    public BarChart reference(double value, String label) {
        this.reference = value;
        this.referenceLabel = label;
        return this;
    }

    /** The svg markup; an empty chart with its reason when no bar has a value. */
    public String render() {
        List<Double> values = new ArrayList<>(List.of(0.0));
        groups.forEach(g -> g.bars().forEach(b -> {
            for (double v : new double[] {b.value(), b.low(), b.high()}) {
                if (Double.isFinite(v) && Double.isFinite(b.value())) {
                    values.add(v);
                }
            }
        }));
        if (values.size() == 1) {
            return Svg.empty(id, "bar-chart", WIDTH, title, subtitle.isEmpty() ? "No values to show." : "No values to show (" + subtitle + ").");
        }
        for (double v : new double[] {bandLow, bandHigh, reference}) {
            if (Double.isFinite(v)) {
                values.add(v);
            }
        }
        Svg svg = new Svg(id, "bar-chart", WIDTH, HEIGHT, title);
        double top = 40;
        if (!subtitle.isEmpty()) {
            top += svg.subtitle(subtitle);
        }
        if (series.size() > 1 || Double.isFinite(bandLow)) {
            List<Legend.Entry> entries = new ArrayList<>();
            series.forEach(s -> entries.add(new Legend.Entry(s.name(), s.color())));
            if (Double.isFinite(bandLow)) {
                entries.add(new Legend.Entry(bandLabel, "#e3e3e3"));
            }
            top += Legend.draw(svg, 64, top + 4, WIDTH - 80, entries) + 6;
        }
        double left = 64;
        double right = WIDTH - 16;
        double bottom = HEIGHT - 44;
        LinearScale y = LinearScale.nice(min(values), max(values), bottom, top, 5);
        if (Double.isFinite(bandLow) && Double.isFinite(bandHigh)) {
            double y0 = y.mapClamped(bandHigh);
            svg.rect(left, y0, right - left, y.mapClamped(bandLow) - y0, "#e3e3e3", "band", bandLabel);
        }
        Axis.left(svg, y, left, right, yTitle);
        double zero = y.map(0);
        double groupWidth = (right - left) / Math.max(1, groups.size());
        double barWidth = Math.min(44, groupWidth * 0.8 / Math.max(1, series.size()));
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            double start = left + g * groupWidth + (groupWidth - barWidth * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                Bar bar = group.bars().get(s);
                double x = start + s * barWidth;
                if (!Double.isFinite(bar.value())) {
                    svg.text(x + barWidth / 2, zero - 4, "n/a", "middle", Svg.SMALL, "missing");
                    continue;
                }
                double py = y.map(bar.value());
                svg.rect(x + 1, Math.min(py, zero), barWidth - 2, Math.abs(zero - py), series.get(s).color(), "bar", bar.tooltip());
                if (Double.isFinite(bar.low()) && Double.isFinite(bar.high())) {
                    whisker(svg, x + barWidth / 2, y.map(bar.low()), y.map(bar.high()), barWidth / 4);
                }
            }
            svg.text(left + (g + 0.5) * groupWidth, bottom + 18, TextWidth.fit(group.label(), Svg.NORMAL, groupWidth - 4),
                    "middle", Svg.NORMAL, "group-label");
        }
        svg.line(left, zero, right, zero, "#333333", 1, "zero", "");
        if (Double.isFinite(reference)) {
            double py = y.map(reference);
            svg.line(left, py, right, py, "#333333", 1.5, "reference", "6 4");
            svg.text(right - 2, py - 5, referenceLabel, "end", Svg.SMALL, "reference-label");
        }
        return svg.end();
    }

    /** A vertical CI whisker with caps of half-width {@code cap}. */
    static void whisker(Svg svg, double x, double yLow, double yHigh, double cap) {
        svg.line(x, yLow, x, yHigh, "#222222", 1.5, "whisker", "");
        svg.line(x - cap, yLow, x + cap, yLow, "#222222", 1.5, "whisker", "");
        svg.line(x - cap, yHigh, x + cap, yHigh, "#222222", 1.5, "whisker", "");
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    }
}
