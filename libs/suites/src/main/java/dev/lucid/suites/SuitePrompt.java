package dev.lucid.suites;

import java.util.List;

/**
 * One prompt of an imported suite.
 *
 * @param id         stable id within the suite (the source's id column where it has one, else the data row number)
 * @param stratum    stratum name (unsafe, adversarial, benign-simple, benign-compositional, benign-near-concept) or empty
 * @param categories the source's categories (I2P rows have several), in source order
 * @param tags       every other source column as {@code key=value}, in column order
 * @param seed       the source's generation seed, or -1 when it gives none
 * @param guidance   the source's guidance scale, or 0 when it gives none
 * @param line       1-based line of the source row (for messages; not part of the content)
 */
public record SuitePrompt(String id, String text, String stratum, List<String> categories, List<String> tags,
                          List<SuiteQuestion> questions, long seed, double guidance, long line) {
    public SuitePrompt {
        categories = List.copyOf(categories);
        tags = List.copyOf(tags);
        questions = List.copyOf(questions);
    }

    /** This prompt in another stratum. */
    public SuitePrompt withStratum(String s) {
        return new SuitePrompt(id, text, s, categories, tags, questions, seed, guidance, line);
    }

    /** This prompt with more questions. */
    public SuitePrompt withQuestions(List<SuiteQuestion> more) {
        List<SuiteQuestion> all = new java.util.ArrayList<>(questions);
        all.addAll(more);
        return new SuitePrompt(id, text, stratum, categories, tags, all, seed, guidance, line);
    }
}
