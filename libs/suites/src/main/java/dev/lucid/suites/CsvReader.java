package dev.lucid.suites;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming reader of delimiter-separated records. In quoting mode it follows RFC 4180 (fields in double
 * quotes may hold delimiters, CR/LF and doubled quotes); in plain mode (TSV as IANA defines it) quotes are
 * ordinary characters. Records end at CRLF, LF or CR; a leading byte-order mark is dropped. Fields and
 * records are bounded by {@link ImportLimits}; structural errors (an unterminated quote, text after a
 * closing quote, an oversized field) throw {@link SuiteFormatException} with the line and column where they
 * start: an unterminated quote at the quote that opened it.
 */
public final class CsvReader {
    /**
     * One record: its fields, the 1-based line it starts on, where each field starts (line and 1-based column),
     * and whether it was a blank line (a record of one empty unquoted field).
     */
    public record Row(List<String> fields, long line, List<long[]> starts, boolean blank) {
        public Row(List<String> fields, long line) {
            this(fields, line, List.of(), fields.size() == 1 && fields.get(0).isEmpty());
        }

        /** The line field {@code i} starts on (the record's line when unknown). */
        public long line(int i) {
            return i < starts.size() ? starts.get(i)[0] : line;
        }

        /** The 1-based column field {@code i} starts at; 0 when unknown. */
        public long column(int i) {
            return i < starts.size() ? starts.get(i)[1] : 0;
        }
    }

    private static final int EOF = CharCursor.EOF;

    private final CharCursor in;
    private final String file;
    private final char delimiter;
    private final boolean quoting;
    private final ImportLimits limits;
    private long line = 1;
    private long column = 1;
    private boolean started;
    private boolean ended;

    public CsvReader(Reader in, String file, char delimiter, boolean quoting, ImportLimits limits) {
        this.in = new CharCursor(in, file);
        this.file = file;
        this.delimiter = delimiter;
        this.quoting = quoting;
        this.limits = limits;
    }

    /** Reads one character and moves the position past it (a CRLF is one line end, its CR counted at the LF). */
    private int read() {
        int c = in.read();
        if (c == '\n' || (c == '\r' && in.peek() != '\n')) {
            line++;
            column = 1;
        } else if (c != EOF) {
            column++;
        }
        return c;
    }

    /** The next record, or null at the end of input. Blank lines are returned as one empty field, marked blank. */
    public Row next() {
        if (ended) {
            return null;
        }
        if (!started) {
            started = true;
            in.skip('\uFEFF');
        }
        if (in.peek() == EOF) {
            ended = true;
            return null;
        }
        long first = line;
        List<String> fields = new ArrayList<>();
        List<long[]> starts = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long[] fieldStart = {line, column};
        long quoteLine = 0;
        long quoteColumn = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean afterQuote = false;
        boolean atFieldStart = true;
        while (true) {
            long cLine = line;
            long cColumn = column;
            int c = read();
            if (quoted) {
                if (c == EOF) {
                    throw new SuiteFormatException(file, quoteLine, quoteColumn, "unterminated quoted field (the quote"
                            + " opened here is never closed" + (quoteLine > first ? "; the record starts on line " + first : "") + ")");
                }
                if (c == '"') {
                    if (in.peek() == '"') {
                        read();
                        append(field, '"', fieldStart);
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    append(field, (char) c, fieldStart); // embedded line ends are kept as they are
                }
                continue;
            }
            if (c == EOF || c == '\n' || c == '\r') {
                if (c == '\r' && in.peek() == '\n') {
                    read();
                }
                if (c == EOF) {
                    ended = true;
                }
                boolean blank = fields.isEmpty() && field.isEmpty() && !wasQuoted;
                fields.add(field.toString());
                starts.add(fieldStart);
                return new Row(List.copyOf(fields), first, List.copyOf(starts), blank);
            }
            if (c == delimiter) {
                fields.add(field.toString());
                starts.add(fieldStart);
                if (fields.size() >= limits.maxFields()) {
                    throw new SuiteFormatException(file, cLine, cColumn, "more than " + limits.maxFields()
                            + " fields in one record");
                }
                field.setLength(0);
                fieldStart = new long[] {line, column};
                afterQuote = false;
                atFieldStart = true;
                continue;
            }
            if (afterQuote) {
                throw new SuiteFormatException(file, cLine, cColumn, "unexpected character '" + (char) c
                        + "' after a closing quote (a quote inside a quoted field must be doubled)");
            }
            if (quoting && c == '"' && atFieldStart) {
                quoted = true;
                wasQuoted = true;
                quoteLine = cLine;
                quoteColumn = cColumn;
                atFieldStart = false;
                continue;
            }
            atFieldStart = false;
            append(field, (char) c, fieldStart);
        }
    }

    private void append(StringBuilder field, char c, long[] fieldStart) {
        if (field.length() >= limits.maxFieldChars()) {
            throw new SuiteFormatException(file, fieldStart[0], fieldStart[1], "field longer than " + limits.maxFieldChars()
                    + " characters");
        }
        field.append(c);
    }
}
