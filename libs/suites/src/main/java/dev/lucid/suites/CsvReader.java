package dev.lucid.suites;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
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

    private static final int EOF = -1;

    private final Reader in;
    private final String file;
    private final char delimiter;
    private final boolean quoting;
    private final ImportLimits limits;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;
    private long line = 1;
    private boolean started;
    private boolean ended;

    public CsvReader(Reader in, String file, char delimiter, boolean quoting, ImportLimits limits) {
        this.in = in;
        this.file = file;
        this.delimiter = delimiter;
        this.quoting = quoting;
        this.limits = limits;
    }

    private int peek() {
        if (pos == len) {
            try {
                len = in.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
            }
            pos = 0;
            if (len <= 0) {
                len = 0;
                return EOF;
            }
        }
        return buf[pos];
    }

    private int read() {
        int c = peek();
        if (c != EOF) {
            pos++;
        }
        return c;
    }

    /** Consumes a line end starting with {@code c} (already read); counts the line. */
    private void endOfLine(int c) {
        if (c == '\r' && peek() == '\n') {
            pos++;
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
            if (peek() == '\uFEFF') {
                pos++;
            }
        }
        if (peek() == EOF) {
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
            int c = read();
            if (quoted) {
                if (c == EOF) {
                    throw new SuiteFormatException(file, first, "unterminated quoted field (the quote opened on line "
                            + quoteLine + " is never closed)");
                }
                if (c == '"') {
                    if (peek() == '"') {
                        pos++;
                        append(field, '"', first);
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    append(field, (char) c, first); // embedded line ends are kept as they are
                    if (c == '\r' && peek() == '\n') {
                        pos++;
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
