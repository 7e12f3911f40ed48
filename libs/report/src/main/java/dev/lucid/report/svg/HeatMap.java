package dev.lucid.report.svg;

import java.util.List;

/** A grid of coloured cells (rows × columns) with the value written in each, coloured red–yellow–green over [0, 1]. */
public final class HeatMap {
    /** One cell; NaN value means missing. */
    public record Cell(double value, String text, String tooltip) {
    }

    private static final double CELL_WIDTH = 62;
    private static final double CELL_HEIGHT = 30;

    private final String id;
    private final String title;
    private final List<String> rows;
    private final List<String> columns;
    private final List<List<Cell>> cells;

    /** A heat map with a stable svg id, a title, row and column labels and cells[row][column]. */
    public HeatMap(String id, String title, List<String> rows, List<String> columns, List<List<Cell>> cells) {
        this.id = id;
        this.title = title;
        this.rows = List.copyOf(rows);
        this.columns = List.copyOf(columns);
        this.cells = cells.stream().map(List::copyOf).toList();
        if (this.cells.size() != this.rows.size() || this.cells.stream().anyMatch(r -> r.size() != this.columns.size())) {
            throw new IllegalArgumentException("heat map " + id + ": cells must be " + rows.size() + " x " + columns.size());
        }
    }

    /** The svg markup; an empty chart with its reason when there are no rows or columns. */
    public String render() {
        if (rows.isEmpty() || columns.isEmpty()) {
            return Svg.empty(id, "heat-map", 420, title, "No values to show.");
        }
        double labelWidth = Math.min(180, 12 + rows.stream().mapToDouble(r -> TextWidth.of(r, Svg.NORMAL)).max().orElse(40));
        double left = 12 + labelWidth;
        double top = 40 + Math.min(110, 10 + 0.72 * columns.stream().mapToDouble(c -> TextWidth.of(c, Svg.NORMAL)).max().orElse(40));
        int width = (int) Math.ceil(Math.max(420, left + columns.size() * CELL_WIDTH + 24));
        int height = (int) Math.ceil(top + rows.size() * CELL_HEIGHT + 56);
        Svg svg = new Svg(id, "heat-map", width, height, title);
        for (int c = 0; c < columns.size(); c++) {
            double cx = left + (c + 0.5) * CELL_WIDTH;
            svg.text(cx, top - 8, TextWidth.fit(columns.get(c), Svg.NORMAL, 150), "start", Svg.NORMAL, "column-label", -45, "#222222");
        }
        for (int r = 0; r < rows.size(); r++) {
            double y = top + r * CELL_HEIGHT;
            svg.text(left - 8, y + CELL_HEIGHT / 2 + 4, TextWidth.fit(rows.get(r), Svg.NORMAL, labelWidth - 8), "end", Svg.NORMAL, "row-label");
            for (int c = 0; c < columns.size(); c++) {
                Cell cell = cells.get(r).get(c);
                double x = left + c * CELL_WIDTH;
                String fill = Palette.accuracy(cell.value());
                svg.rect(x + 1, y + 1, CELL_WIDTH - 2, CELL_HEIGHT - 2, fill, Double.isFinite(cell.value()) ? "cell" : "cell missing", cell.tooltip());
                svg.text(x + CELL_WIDTH / 2, y + CELL_HEIGHT / 2 + 4, cell.text(), "middle", Svg.SMALL, "cell-text", 0, Palette.textOn(fill));
            }
        }
        double ly = top + rows.size() * CELL_HEIGHT + 20;
        svg.text(left, ly + 11, "0", "end", Svg.SMALL, "scale-label");
        for (int i = 0; i < 10; i++) {
            svg.rect(left + 6 + i * 16, ly, 16, 12, Palette.accuracy((i + 0.5) / 10), "scale", "");
        }
        svg.text(left + 6 + 160 + 6, ly + 11, "1 (accuracy)", "start", Svg.SMALL, "scale-label");
        return svg.end();
    }
}
