package dev.lucid.report;

import java.util.List;
import java.util.Objects;

/**
 * A table of a report, independent of its rendering: Markdown pads it into aligned columns, HTML writes a
 * {@code <table>} with the cells' classes and titles.
 */
record Table(String id, List<String> header, List<Boolean> rightAligned, List<List<Cell>> rows) {
    Table {
        Objects.requireNonNull(id, "id");
        header = List.copyOf(header);
        rightAligned = List.copyOf(rightAligned);
        rows = rows.stream().map(List::copyOf).toList();
        if (rightAligned.size() != header.size()) {
            throw new IllegalArgumentException("table " + id + ": " + rightAligned.size() + " alignments for " + header.size() + " columns");
        }
        for (List<Cell> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table " + id + ": a row of " + row.size() + " cells for " + header.size() + " columns");
            }
        }
    }

    /** One cell: its text, an optional CSS class (HTML only) and an optional tooltip (HTML only). */
    record Cell(String text, String cssClass, String title) {
        Cell {
            Objects.requireNonNull(text, "text");
            cssClass = cssClass == null ? "" : cssClass;
            title = title == null ? "" : title;
        }

        static Cell of(String text) {
            return new Cell(text, "", "");
        }
    }
}
