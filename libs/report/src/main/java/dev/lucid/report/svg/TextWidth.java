package dev.lucid.report.svg;

/** Estimated rendered width of text (no font metrics in plain Java): about 0.6 em per character. */
final class TextWidth {
    private TextWidth() {
    }

    static double of(String s, double fontSize) {
        return s.codePointCount(0, s.length()) * fontSize * 0.6;
    }

    /** The text cut with an ellipsis to fit {@code maxWidth}. */
    static String fit(String s, double fontSize, double maxWidth) {
        int max = (int) Math.floor(maxWidth / (fontSize * 0.6));
        int count = s.codePointCount(0, s.length());
        if (count <= max || max < 2) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
