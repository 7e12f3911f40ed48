package dev.lucid.tokenizers;

/**
 * CLIP's (and GPT-2's) byte-to-symbol table: bytes that are printable Latin-1 characters stand for
 * themselves, the other 68 bytes for U+0100 onwards in byte order, so every byte string is a string of
 * printable symbols.
 */
final class ByteSymbols {
    private ByteSymbols() {
    }

    private static boolean printable(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** Symbol of each byte value. */
    static char[] symbolOfByte() {
        char[] out = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = printable(b) ? (char) b : (char) (256 + shifted++);
        }
        return out;
    }

    /** The symbols in vocabulary order: the printable bytes first, then the shifted ones. */
    static char[] vocabularyOrder() {
        char[] bySymbol = symbolOfByte();
        char[] out = new char[256];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                out[k++] = bySymbol[b];
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                out[k++] = bySymbol[b];
            }
        }
        return out;
    }
}
