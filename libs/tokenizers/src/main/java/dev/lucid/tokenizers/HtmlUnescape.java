package dev.lucid.tokenizers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code html.unescape}: named references from the HTML5 table (also those valid without a
 * trailing {@code ;}, and the longest known prefix of an unknown name), decimal and hex references with
 * Python's replacements for invalid numbers (the Windows-1252 fix-ups, U+FFFD for surrogates and numbers
 * beyond U+10FFFF, nothing for control and non-characters). Like Python, a decimal reference of more than
 * 4,300 digits is refused.
 */
final class HtmlUnescape {
    private static final String TABLE = "html5_entities.txt";
    /** Python's {@code [^\t\n\f <&#;]{1,32}}: the longest name it tries, in code points. */
    private static final int MAX_NAME = 32;
    /** Python's default limit on the digits of a decimal string converted by {@code int()}. */
    static final int MAX_DECIMAL_DIGITS = 4300;

    private static final Map<String, String> ENTITIES = new HashMap<>();
    private static final Map<Integer, String> CHARREFS = new HashMap<>();
    private static final Set<Integer> DROPPED = new HashSet<>();

    static {
        try (InputStream in = HtmlUnescape.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TABLE + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "entity" -> ENTITIES.put(f[1], codePoints(f, 2));
                    case "charref" -> CHARREFS.put(Integer.parseInt(f[1], 16), codePoints(f, 2));
                    case "dropped" -> DROPPED.add(Integer.parseInt(f[1], 16));
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + TABLE, e);
        }
    }

    private HtmlUnescape() {
    }

    private static String codePoints(String[] fields, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < fields.length; i++) {
            sb.appendCodePoint(Integer.parseInt(fields[i], 16));
        }
        return sb.toString();
    }

    /** {@code html.unescape(s)}. */
    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        while (amp >= 0) {
            int end = reference(s, amp, out, copied);
            if (end > amp) {
                copied = end;
            }
            amp = s.indexOf('&', Math.max(end, amp + 1));
        }
        return out.append(s, copied, s.length()).toString();
    }

    /**
     * Replaces the reference starting at {@code amp} (appending the text before it, from {@code copied}),
     * returning where it ends, or {@code amp} when none starts there.
     */
    private static int reference(String s, int amp, StringBuilder out, int copied) {
        int i = amp + 1;
        if (i < s.length() && s.charAt(i) == '#') {
            return numeric(s, amp, out, copied);
        }
        int end = i;
        for (int n = 0; n < MAX_NAME && end < s.length(); n++) {
            int cp = s.codePointAt(end);
            if (cp == '\t' || cp == '\n' || cp == '\f' || cp == ' ' || cp == '<' || cp == '&' || cp == '#' || cp == ';') {
                break;
            }
            end += Character.charCount(cp);
        }
        if (end == i) {
            return amp;
        }
        if (end < s.length() && s.charAt(end) == ';') {
            end++;
        }
        out.append(s, copied, amp);
        String name = s.substring(i, end);
        String whole = ENTITIES.get(name);
        if (whole != null) {
            out.append(whole);
            return end;
        }
        // Python: the longest prefix (at least two characters) that is a known name; names are ASCII, so
        // char and code point prefixes agree wherever one can match.
        for (int x = name.length() - 1; x > 1; x--) {
            String prefix = ENTITIES.get(name.substring(0, x));
            if (prefix != null) {
                out.append(prefix).append(name, x, name.length());
                return end;
            }
        }
        out.append('&').append(name);
        return end;
    }

    private static int numeric(String s, int amp, StringBuilder out, int copied) {
        int i = amp + 2;
        boolean hex = i < s.length() && (s.charAt(i) == 'x' || s.charAt(i) == 'X');
        int digitsStart = hex ? i + 1 : i;
        int end = digitsStart;
        while (end < s.length() && (hex ? Character.digit(s.charAt(end), 16) >= 0 && s.charAt(end) < 0x80
                : s.charAt(end) >= '0' && s.charAt(end) <= '9')) {
            end++;
        }
        if (end == digitsStart) {
            return amp;
        }
        String digits = s.substring(digitsStart, end);
        if (!hex && digits.length() > MAX_DECIMAL_DIGITS) {
            throw new IllegalArgumentException("numeric character reference at index " + amp + " has "
                    + digits.length() + " digits; Python's html.unescape refuses more than " + MAX_DECIMAL_DIGITS);
        }
        if (end < s.length() && s.charAt(end) == ';') {
            end++;
        }
        out.append(s, copied, amp);
        out.append(replacement(parse(digits, hex ? 16 : 10)));
        return end;
    }

    /** The number, or -1 when it is beyond U+10FFFF (only that matters for larger numbers). */
    private static int parse(String digits, int radix) {
        long value = 0;
        for (int k = 0; k < digits.length(); k++) {
            value = value * radix + Character.digit(digits.charAt(k), radix);
            if (value > Character.MAX_CODE_POINT) {
                return -1;
            }
        }
        return (int) value;
    }

    private static String replacement(int number) {
        String fixed = CHARREFS.get(number);
        if (fixed != null) {
            return fixed;
        }
        if (number < 0 || (number >= 0xD800 && number <= 0xDFFF)) {
            return "\uFFFD";
        }
        if (DROPPED.contains(number)) {
            return "";
        }
        return new String(Character.toChars(number));
    }
}
