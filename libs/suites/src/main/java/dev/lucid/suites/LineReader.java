package dev.lucid.suites;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/** Streaming reader of text lines (LF, CRLF or CR), bounded in length, that drops a leading byte-order mark. */
final class LineReader {
    private final Reader in;
    private final String file;
    private final int maxChars;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;
    private long line;
    private boolean started;

    LineReader(Reader in, String file, int maxChars) {
        this.in = in;
        this.file = file;
        this.maxChars = maxChars;
    }

    private int read() {
        if (pos == len) {
            try {
                len = in.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
            }
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        return buf[pos++];
    }

    /** The 1-based number of the line last returned. */
    long lineNumber() {
        return line;
    }

    /** The next line without its line end, or null at the end of input. */
    String next() {
        StringBuilder sb = new StringBuilder();
        int c = read();
        if (c == -1) {
            return null;
        }
        line++;
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                c = read();
            }
        }
        while (c != -1 && c != '\n' && c != '\r') {
            if (sb.length() >= maxChars) {
                throw new SuiteFormatException(file, line, "line longer than " + maxChars + " characters");
            }
            sb.append((char) c);
            c = read();
        }
        if (c == '\r') {
            int d = read();
            if (d != '\n' && d != -1) {
                pos--; // a lone CR ends the line; keep the next character
            }
        }
        return sb.toString();
    }
}
