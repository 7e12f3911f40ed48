package dev.lucid.metrics.faithfulness;

import java.util.Locale;

/**
 * Normalisation of a VQA model's free-form answer before it is compared: lower case (ROOT locale), leading and
 * trailing whitespace removed, inner whitespace runs collapsed to one space, then trailing {@code . ! ? , ; :}
 * removed (and whitespace again). "Yes." and " YES " are "yes"; "no bus" stays "no bus" (not "yes").
 */
public final class YesNoAnswer {
    private YesNoAnswer() {
    }

    /** The normalised answer; null becomes "". */
    public static String normalize(String answer) {
        if (answer == null) {
            return "";
        }
        String s = answer.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
        int end = s.length();
        while (end > 0 && ".!?,;:".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(0, end).strip();
    }

    /** Whether the answer normalises to exactly "yes" (DSG credits nothing else). */
    public static boolean isYes(String answer) {
        return normalize(answer).equals("yes");
    }

    /** Whether the answer normalises to exactly "yes" or "no". */
    public static boolean isYesOrNo(String answer) {
        String n = normalize(answer);
        return n.equals("yes") || n.equals("no");
    }
}
