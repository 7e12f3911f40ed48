package dev.lucid.suites;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming reader of delimiter-separated records. In quoting mode it follows RFC 4180 (fields in double
 * quotes may hold delimiters, CR/LF and doubled quotes); in plain mode (TSV as IANA defines it) quotes are
 * ordinary characters. Records end at CRLF, LF or CR; a leading byte-order mark is dropped. Fields and
 * records are bounded by {@link ImportLimits}; structural errors (an unterminated quote, text after a
 * closing quote, an oversized field) throw {@link SuiteFormatException} with the record's first line.
 */
public final class CsvReader {
    /** One record: its fields and the 1-based line it starts on. */
    public record Row(List<String> fields, long line) {
    }

    private static final int EOF = CharCursor.EOF;

    private final CharCursor in;
    private final String file;
    private final char delimiter;
    private final boolean quoting;
    private final ImportLimits limits;
    private long line = 1;
    private boolean started;
    private boolean ended;

    public CsvReader(Reader in, String file, char delimiter, boolean quoting, ImportLimits limits) {
        this.in = new CharCursor(in, file);
        this.file = file;
        this.delimiter = delimiter;
        this.quoting = quoting;
        this.limits = limits;
    }

    /** Consumes a line end starting with {@code c} (already read); counts the line. */
    private void endOfLine(int c) {
        if (c == '\r') {
            in.skip('\n');
        }
        line++;
    }

    /** The next record, or null at the end of input. Blank lines are returned as one empty field. */
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
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean afterQuote = false;
        boolean atFieldStart = true;
        while (true) {
            int c = in.read();
            if (quoted) {
                if (c == EOF) {
                    throw new SuiteFormatException(file, first, "unterminated quoted field (the quote opened on line "
                            + quoteLine + " is never closed)");
                }
                if (c == '"') {
                    if (in.skip('"')) {
                        append(field, '"', first);
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    append(field, (char) c, first); // embedded line ends are kept as they are
                    if (c == '\r' && in.skip('\n')) {
                        append(field, '\n', first);
                    }
                    if (c == '\n' || c == '\r') {
                        line++;
                    }
                }
                continue;
            }
            if (c == EOF || c == '\n' || c == '\r') {
                fields.add(field.toString());
                if (c == EOF) {
                    ended = true;
                } else {
                    endOfLine(c);
                }
                return new Row(List.copyOf(fields), first);
            }
            if (c == delimiter) {
                fields.add(field.toString());
                if (fields.size() >= limits.maxFields()) {
                    throw new SuiteFormatException(file, first, "more than " + limits.maxFields() + " fields in one record");
                }
                field.setLength(0);
                afterQuote = false;
                atFieldStart = true;
                continue;
            }
            if (afterQuote) {
                throw new SuiteFormatException(file, line, "unexpected character '" + (char) c
                        + "' after a closing quote (a quote inside a quoted field must be doubled)");
            }
            if (quoting && c == '"' && atFieldStart) {
                quoted = true;
                quoteLine = line;
                atFieldStart = false;
                continue;
            }
            atFieldStart = false;
            append(field, (char) c, first);
        }
    }

    private long quoteLine;

    private void append(StringBuilder field, char c, long first) {
        if (field.length() >= limits.maxFieldChars()) {
            throw new SuiteFormatException(file, first, "field longer than " + limits.maxFieldChars() + " characters");
        }
        field.append(c);
    }
}
