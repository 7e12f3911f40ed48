package dev.lucid.suites;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of an import file that knows where it is: an invalid byte sequence is a
 * {@link SuiteFormatException} at the line and column of the first character it could not decode, never a
 * replacement character. Lines end at LF, CRLF or a lone CR, as in the CSV and line readers.
 */
final class Utf8Reader extends Reader {
    private final InputStream in;
    private final String file;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();
    private boolean eof;
    private boolean flushed;
    private CoderResult error;
    private long line = 1;
    private long column = 1;
    private boolean afterCr;

    Utf8Reader(InputStream in, String file) {
        this.in = in;
        this.file = file;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(buf, off, len);
        while (out.position() == off) {
            if (error != null) {
                throw new SuiteFormatException(file, line, column, "not UTF-8 text (invalid byte sequence "
                        + hex(error.length()) + ")");
            }
            if (flushed) {
                return -1;
            }
            if (!eof && bytes.remaining() < 4) {
                fill();
            }
            CoderResult r = decoder.decode(bytes, out, eof);
            if (r.isError()) {
                error = r; // reported once the characters before it are delivered
            } else if (eof && r.isUnderflow() && !bytes.hasRemaining()) {
                decoder.flush(out);
                flushed = true;
            } else if (eof && r.isUnderflow()) {
                error = CoderResult.malformedForLength(bytes.remaining()); // a truncated sequence at the end
            }
        }
        count(buf, off, out.position() - off);
        return out.position() - off;
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private String hex(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length && bytes.position() + i < bytes.limit(); i++) {
            b.append(i == 0 ? "" : " ").append(String.format("%02X", bytes.get(bytes.position() + i) & 0xff));
        }
        return b.toString();
    }

    private void count(char[] buf, int off, int n) {
        for (int i = off; i < off + n; i++) {
            char c = buf[i];
            if (c == '\n' && afterCr) {
                afterCr = false; // the LF of a CRLF: the CR already ended the line
                continue;
            }
            afterCr = c == '\r';
            if (c == '\n' || c == '\r') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
