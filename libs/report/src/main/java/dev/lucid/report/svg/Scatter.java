package dev.lucid.report.svg;

import java.util.ArrayList;
import java.util.List;

/** Labelled points with horizontal and vertical 95% CI whiskers (e.g. unsafe rate vs utility per model). */
public final class Scatter {
    /** One point; NaN bounds mean no whisker on that axis. */
    public record Point(String label, String color, double x, double xLow, double xHigh, double y, double yLow, double yHigh,
                        String tooltip) {
    }

    private static final int WIDTH = 390;
    private static final int HEIGHT = 320;

    private final String id;
    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final List<Point> points;
    private String subtitle = "";

    /** A scatter with a stable svg id, a title, axis titles and its points (those without x or y are left out). */
    public Scatter(String id, String title, String xTitle, String yTitle, List<Point> points) {
        this.id = id;
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.points = points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
    }

    /** A smaller line under the title (e.g. which strata the axes come from). */
    public Scatter subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    /** The svg markup; an empty chart with its reason when no point has both coordinates. */
    public String render() {
        if (points.isEmpty()) {
            return Svg.empty(id, "scatter", WIDTH, title, "No model has both numbers.");
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Point p : points) {
            add(xs, p.x(), p.xLow(), p.xHigh());
            add(ys, p.y(), p.yLow(), p.yHigh());
        }
        Svg svg = new Svg(id, "scatter", WIDTH, HEIGHT, title);
        double left = 64;
        double right = WIDTH - 24;
        double top = 40;
        if (!subtitle.isEmpty()) {
            top += svg.subtitle(subtitle);
        }
        double bottom = HEIGHT - 48;
        LinearScale x = LinearScale.nice(BarChart.min(xs), BarChart.max(xs), left, right, 5);
        LinearScale y = LinearScale.nice(BarChart.min(ys), BarChart.max(ys), bottom, top, 5);
        Axis.left(svg, y, left, right, yTitle);
        Axis.bottom(svg, x, bottom, top, xTitle);
        for (Point p : points) {
            double px = x.map(p.x());
            double py = y.map(p.y());
            if (Double.isFinite(p.xLow()) && Double.isFinite(p.xHigh())) {
                double a = x.map(p.xLow());
                double b = x.map(p.xHigh());
                svg.line(a, py, b, py, p.color(), 2, "whisker", "");
                svg.line(a, py - 4, a, py + 4, p.color(), 2, "whisker", "");
                svg.line(b, py - 4, b, py + 4, p.color(), 2, "whisker", "");
            }
            if (Double.isFinite(p.yLow()) && Double.isFinite(p.yHigh())) {
                double a = y.map(p.yLow());
                double b = y.map(p.yHigh());
                svg.line(px, a, px, b, p.color(), 2, "whisker", "");
                svg.line(px - 4, a, px + 4, a, p.color(), 2, "whisker", "");
                svg.line(px - 4, b, px + 4, b, p.color(), 2, "whisker", "");
            }
        }
        for (Point p : points) {
            double px = x.map(p.x());
            double py = y.map(p.y());
            svg.circle(px, py, 6, p.color(), "point", p.tooltip());
            boolean flip = px > (left + right) / 2;
            svg.text(px + (flip ? -9 : 9), py - 8, TextWidth.fit(p.label(), Svg.NORMAL, 140), flip ? "end" : "start",
                    Svg.NORMAL, "point-label");
        }
        return svg.end();
    }

    private static void add(List<Double> to, double v, double low, double high) {
        to.add(v);
        if (Double.isFinite(low) && Double.isFinite(high)) {
            to.add(low);
            to.add(high);
        }
    }
}
