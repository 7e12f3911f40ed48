package dev.lucid.suites;

import java.io.Reader;

/** Streaming reader of text lines (LF, CRLF or CR), bounded in length, that drops a leading byte-order mark. */
final class LineReader {
    private final CharCursor in;
    private final String file;
    private final int maxChars;
    private long line;
    private boolean started;

    LineReader(Reader in, String file, int maxChars) {
        this.in = new CharCursor(in, file);
        this.file = file;
        this.maxChars = maxChars;
    }

    /** The 1-based number of the line last returned. */
    long lineNumber() {
        return line;
    }

    /** The next line without its line end, or null at the end of input. */
    String next() {
        StringBuilder sb = new StringBuilder();
        int c = in.read();
        if (c == -1) {
            return null;
        }
        line++;
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                c = in.read();
            }
        }
        while (c != -1 && c != '\n' && c != '\r') {
            if (sb.length() >= maxChars) {
                throw new SuiteFormatException(file, line, "line longer than " + maxChars + " characters");
            }
            sb.append((char) c);
            c = in.read();
        }
        if (c == '\r') {
            in.skip('\n'); // a lone CR ends the line too
        }
        return sb.toString();
    }
}
