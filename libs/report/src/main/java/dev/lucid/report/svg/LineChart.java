package dev.lucid.report.svg;

import java.util.ArrayList;
import java.util.List;

/** One line per series over a numeric x axis, with a shaded 95% CI band where every point has one. */
public final class LineChart {
    /** One point; NaN bounds mean no CI. */
    public record Point(double x, double y, double low, double high, String tooltip) {
    }

    /** One line. */
    public record Series(String name, String color, List<Point> points) {
        public Series {
            points = points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y()))
                    .sorted((a, b) -> Double.compare(a.x(), b.x())).toList();
        }
    }

    private static final int WIDTH = 560;
    private static final int HEIGHT = 340;

    private final String id;
    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final List<Series> series;
    private double yLow = Double.NaN;
    private double yHigh = Double.NaN;
    private double marker = Double.NaN;
    private String markerLabel = "";

    /** A line chart with a stable svg id, a title, axis titles and its series. */
    public LineChart(String id, String title, String xTitle, String yTitle, List<Series> series) {
        this.id = id;
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.series = List.copyOf(series);
    }

    /** Fixes the y domain (e.g. 0–1 for rates) instead of fitting it to the data. */
    public LineChart yDomain(double low, double high) {
        this.yLow = low;
        this.yHigh = high;
        return this;
    }

    /** Marks one x value with a dashed vertical line (e.g. the headline threshold). */
    public LineChart marker(double x, String label) {
        this.marker = x;
        this.markerLabel = label;
        return this;
    }

    /** The svg markup; an empty chart with its reason when no series has a point. */
    public String render() {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        series.forEach(s -> s.points().forEach(p -> {
            xs.add(p.x());
            ys.add(p.y());
            if (Double.isFinite(p.low()) && Double.isFinite(p.high())) {
                ys.add(p.low());
                ys.add(p.high());
            }
        }));
        if (xs.isEmpty()) {
            return Svg.empty(id, "line-chart", WIDTH, title, "No curve to show.");
        }
        if (Double.isFinite(marker)) {
            xs.add(marker);
        }
        Svg svg = new Svg(id, "line-chart", WIDTH, HEIGHT, title);
        List<Legend.Entry> entries = series.stream().map(s -> new Legend.Entry(s.name(), s.color())).toList();
        double top = 40 + Legend.draw(svg, 64, 44, WIDTH - 80, entries) + 6;
        double left = 64;
        double right = WIDTH - 20;
        double bottom = HEIGHT - 48;
        LinearScale x = LinearScale.nice(BarChart.min(xs), BarChart.max(xs), left, right, 6);
        LinearScale y = Double.isFinite(yLow) ? LinearScale.fixed(yLow, yHigh, bottom, top, 5)
                : LinearScale.nice(BarChart.min(ys), BarChart.max(ys), bottom, top, 5);
        Axis.left(svg, y, left, right, yTitle);
        Axis.bottom(svg, x, bottom, top, xTitle);
        if (Double.isFinite(marker)) {
            double px = x.map(marker);
            svg.line(px, top, px, bottom, "#333333", 1.5, "marker", "6 4");
            svg.text(px + 4, top + 12, markerLabel, "start", Svg.SMALL, "marker-label");
        }
        for (Series s : series) {
            List<Point> pts = s.points();
            if (pts.isEmpty()) {
                continue;
            }
            boolean band = pts.size() > 1 && pts.stream().allMatch(p -> Double.isFinite(p.low()) && Double.isFinite(p.high()));
            if (band) {
                int n = pts.size();
                double[] bx = new double[2 * n];
                double[] by = new double[2 * n];
                for (int i = 0; i < n; i++) {
                    bx[i] = x.map(pts.get(i).x());
                    by[i] = y.mapClamped(pts.get(i).high());
                    bx[2 * n - 1 - i] = x.map(pts.get(i).x());
                    by[2 * n - 1 - i] = y.mapClamped(pts.get(i).low());
                }
                svg.path(bx, by, true, s.color(), 0.18, "none", 0, "ci-band", "");
            }
            double[] lx = pts.stream().mapToDouble(p -> x.map(p.x())).toArray();
            double[] ly = pts.stream().mapToDouble(p -> y.mapClamped(p.y())).toArray();
            if (pts.size() > 1) {
                svg.path(lx, ly, false, "none", s.color(), 2.5, "line", s.name());
            }
            for (int i = 0; i < pts.size(); i++) {
                svg.circle(lx[i], ly[i], 3.5, s.color(), "point", pts.get(i).tooltip());
            }
        }
        return svg.end();
    }
}
