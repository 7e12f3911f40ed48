package dev.lucid.suites;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/** Buffered one-character look-ahead over a reader, for the streaming CSV and line readers. */
final class CharCursor {
    /** What {@link #peek} and {@link #read} return at the end of input. */
    static final int EOF = -1;

    private final Reader in;
    private final String file;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;

    CharCursor(Reader in, String file) {
        this.in = in;
        this.file = file;
    }

    /** The next character without consuming it, or EOF. */
    int peek() {
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

    /** The next character, consumed, or EOF. */
    int read() {
        int c = peek();
        if (c != EOF) {
            pos++;
        }
        return c;
    }

    /** Consumes the next character when it is {@code c}; says whether it was. */
    boolean skip(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }
}
