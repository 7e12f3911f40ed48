package dev.lucid.tokenizers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The pieces of Python's text handling that CLIP's reference cleaning relies on: {@code str.strip()},
 * {@code str.lower()} (with its final-sigma rule), the {@code regex} module's {@code \s}, and the classes of
 * the split pattern. Read from tables generated from Python ({@code scripts/make_tables.py}), so results do
 * not depend on the JDK's Unicode version.
 */
final class PythonText {
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int OTHER = 4;
    static final int REGEX_SPACE = 8;
    static final int STR_SPACE = 16;
    static final int CASED = 32;
    static final int CASE_IGNORABLE = 64;
    private static final int CAPITAL_SIGMA = 0x3A3;
    private static final String TABLES = "clip_text_tables.txt";

    /** Class flags per code point (1.1 MB; a lookup per character on the hot path). */
    private static final byte[] FLAGS = new byte[Character.MAX_CODE_POINT + 1];
    private static final Map<Integer, String> LOWER = new HashMap<>();

    static {
        Map<String, Integer> flagOf = Map.of("letter", LETTER, "number", NUMBER, "other", OTHER,
                "regex_space", REGEX_SPACE, "str_space", STR_SPACE, "cased", CASED, "case_ignorable", CASE_IGNORABLE);
        try (InputStream in = PythonText.class.getResourceAsStream(TABLES)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TABLES + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                if (f[0].equals("lower")) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 2; i < f.length; i++) {
                        sb.appendCodePoint(Integer.parseInt(f[i], 16));
                    }
                    LOWER.put(Integer.parseInt(f[1], 16), sb.toString());
                } else {
                    byte flag = (byte) (int) flagOf.get(f[0]);
                    for (int cp = Integer.parseInt(f[1], 16), last = Integer.parseInt(f[2], 16); cp <= last; cp++) {
                        FLAGS[cp] |= flag;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + TABLES, e);
        }
    }

    private PythonText() {
    }

    /** The class flags of a code point. */
    static int flags(int cp) {
        return FLAGS[cp];
    }

    /** {@code str.strip()}: removes leading and trailing {@code str.isspace()} code points. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (FLAGS[s.charAt(start)] & STR_SPACE) != 0) {
            start++;
        }
        while (end > start && (FLAGS[s.charAt(end - 1)] & STR_SPACE) != 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code regex.sub(r"\s+", " ", s)}. */
    static String collapseSpaces(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((FLAGS[c] & REGEX_SPACE) != 0) {
                if (!inSpace) {
                    out.append(' ');
                }
                inSpace = true;
            } else {
                out.append(c);
                inSpace = false;
            }
        }
        return out.toString();
    }

    /** {@code str.lower()}, including Python's final-sigma rule for U+03A3. */
    static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else if (cp == CAPITAL_SIGMA) {
                out.append(finalSigma(s, i) ? '\u03C2' : '\u03C3');
            } else {
                String low = LOWER.get(cp);
                if (low == null) {
                    out.appendCodePoint(cp);
                } else {
                    out.append(low);
                }
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Python's rule: a cased letter before (skipping case-ignorables), and no cased letter after. */
    private static boolean finalSigma(String s, int at) {
        int j = at;
        int cp = -1;
        while (j > 0) {
            cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if ((FLAGS[cp] & CASE_IGNORABLE) == 0) {
                break;
            }
            cp = -1;
        }
        if (cp < 0 || (FLAGS[cp] & CASED) == 0) {
            return false;
        }
        for (int k = at + 1; k < s.length(); ) {
            int next = s.codePointAt(k);
            if ((FLAGS[next] & CASE_IGNORABLE) == 0) {
                return (FLAGS[next] & CASED) == 0;
            }
            k += Character.charCount(next);
        }
        return true;
    }
}
