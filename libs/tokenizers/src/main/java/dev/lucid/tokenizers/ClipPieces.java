package dev.lucid.tokenizers;

/**
 * CLIP's split pattern {@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}
 * (case-insensitive) as Python's {@code regex} module applies it with {@code findall}: alternatives tried
 * in order at each position, code points (not UTF-16 units) as characters, and code points that no
 * alternative takes (whitespace, and U+0345, which case-insensitively counts as a letter for the negated
 * class only) skipped.
 */
final class ClipPieces {
    static final String START = "<|startoftext|>";
    static final String END = "<|endoftext|>";
    private static final int LONG_S = 0x17F;

    private ClipPieces() {
    }

    /** Where the piece starting at {@code i} ends, or -1 when the code point at {@code i} is skipped. */
    static int pieceEnd(String s, int i) {
        char c = s.charAt(i);
        if (c == '<') {
            int e = literalEnd(s, i, START);
            if (e < 0) {
                e = literalEnd(s, i, END);
            }
            if (e >= 0) {
                return e;
            }
        } else if (c == '\'') {
            int e = contractionEnd(s, i);
            if (e >= 0) {
                return e;
            }
        }
        int cp = s.codePointAt(i);
        int flags = PythonText.flags(cp);
        int kind = flags & (PythonText.LETTER | PythonText.NUMBER | PythonText.OTHER);
        if (kind == 0) {
            return -1;
        }
        int end = i + Character.charCount(cp);
        if (kind == PythonText.NUMBER) {
            return end;
        }
        while (end < s.length()) {
            int next = s.codePointAt(end);
            if ((PythonText.flags(next) & kind) == 0) {
                break;
            }
            end += Character.charCount(next);
        }
        return end;
    }

    /** Case-insensitive literal match as the {@code regex} module folds: ASCII case, and U+017F for 's'. */
    private static int literalEnd(String s, int i, String literal) {
        if (s.length() - i < literal.length()) {
            return -1;
        }
        for (int k = 0; k < literal.length(); k++) {
            if (!sameLetter(s.charAt(i + k), literal.charAt(k))) {
                return -1;
            }
        }
        return i + literal.length();
    }

    private static int contractionEnd(String s, int i) {
        if (i + 1 >= s.length()) {
            return -1;
        }
        char a = s.charAt(i + 1);
        if (sameLetter(a, 's') || sameLetter(a, 't') || sameLetter(a, 'm') || sameLetter(a, 'd')) {
            return i + 2;
        }
        if (i + 2 < s.length()) {
            char b = s.charAt(i + 2);
            if ((sameLetter(a, 'r') || sameLetter(a, 'v')) && sameLetter(b, 'e')
                    || sameLetter(a, 'l') && sameLetter(b, 'l')) {
                return i + 3;
            }
        }
        return -1;
    }

    private static boolean sameLetter(char actual, char expectedLower) {
        if (actual == expectedLower) {
            return true;
        }
        if (expectedLower >= 'a' && expectedLower <= 'z' && actual == expectedLower - 32) {
            return true;
        }
        return expectedLower == 's' && actual == LONG_S;
    }
}
