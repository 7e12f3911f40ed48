package dev.lucid.suites;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports DSG's question CSV (dsg-1k-anns.csv, tifa160-dev-anns.csv): one row per proposition, grouped into one prompt
 * per {@code item_id} whose questions are yes/no ("yes" expected), with the proposition id, its parents
 * ({@code dependency}: comma-separated ids, 0 = none) and its broad category. Every row is imported, skipped with a
 * reason, or imported with its unusable part left out and a reason saying so (a dependency that is not a list of ids,
 * a parent that is not a proposition of the item, the category {@code action}, read as relation).
 */
final class DsgSuiteImporter {
    /** The columns read (others, such as tuple and category_detailed, are ignored). */
    static final List<String> COLUMNS = List.of("item_id", "text", "proposition_id", "dependency", "category_broad",
            "question_natural_language");
    /** DSG's broad categories. */
    static final Set<String> CATEGORIES = Set.of("entity", "attribute", "relation", "global", "other");
    /** Most questions of one prompt (the utility service asks at most this many per image). */
    static final int MAX_QUESTIONS = 64;

    private DsgSuiteImporter() {
    }

    /** A prompt being assembled: its text, the line of its first row and its questions with their rows' lines. */
    private record Item(String text, long line, List<SuiteQuestion> questions, List<Long> lines) {
    }

    static ImportResult read(ImportContext ctx, Reader in) {
        CsvReader csv = new CsvReader(in, ctx.file(), ',', true, ctx.limits);
        CsvReader.Row header = csv.next();
        if (header == null) {
            throw new SuiteFormatException(ctx.file(), 0, "empty file (no header row)");
        }
        List<String> names = header.fields();
        Map<String, Integer> col = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            int i = names.indexOf(c);
            if (i < 0) {
                throw new SuiteFormatException(ctx.file(), header.line(), "missing column '" + c + "' (header: "
                        + String.join(", ", names) + ")");
            }
            col.put(c, i);
        }
        int keywords = names.indexOf("keywords");
        Map<String, Item> items = new LinkedHashMap<>();
        for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
            if (row.fields().size() == 1 && row.fields().get(0).isEmpty()) {
                continue; // a blank line holds no row
            }
            ctx.rowRead(row.line());
            if (row.fields().size() != names.size()) {
                ctx.bad(row.line(), "expected " + names.size() + " fields, found " + row.fields().size());
                continue;
            }
            List<String> f = row.fields();
            String itemId = f.get(col.get("item_id")).strip();
            String text = f.get(col.get("text"));
            String question = f.get(col.get("question_natural_language")).strip();
            String category = f.get(col.get("category_broad")).strip();
            String proposition = f.get(col.get("proposition_id")).strip();
            if (itemId.isEmpty() || text.isBlank() || question.isEmpty()) {
                ctx.bad(row.line(), "item_id, text and question_natural_language must not be empty");
                continue;
            }
            if (!proposition.matches("[1-9][0-9]{0,5}")) {
                ctx.bad(row.line(), "proposition_id '" + proposition + "' is not a positive integer");
                continue;
            }
            boolean action = category.equals("action");
            if (action) {
                category = "relation"; // tifa160-dev-anns.csv tags actions apart; DSG's relation category covers them
            } else if (!CATEGORIES.contains(category)) {
                ctx.bad(row.line(), "category_broad '" + category + "' is not one of " + CATEGORIES);
                continue;
            }
            long line = row.line();
            Item item = items.computeIfAbsent(itemId, k -> new Item(text, line, new ArrayList<>(), new ArrayList<>()));
            if (!item.text().equals(text)) {
                ctx.bad(row.line(), "text differs from item " + itemId + "'s first row (line " + item.line() + ")");
                continue;
            }
            if (item.questions().stream().anyMatch(q -> q.id().equals(proposition))) {
                ctx.bad(row.line(), "proposition_id " + proposition + " repeats within item " + itemId);
                continue;
            }
            if (item.questions().size() >= MAX_QUESTIONS) {
                ctx.bad(row.line(), "item " + itemId + " has more than " + MAX_QUESTIONS + " questions");
                continue;
            }
            List<String> parents = new ArrayList<>();
            List<String> unusable = new ArrayList<>();
            for (String token : f.get(col.get("dependency")).split(",", -1)) {
                String t = token.strip();
                if (t.matches("[0-9]{1,6}")) {
                    if (Integer.parseInt(t) > 0 && !parents.contains(Integer.toString(Integer.parseInt(t)))) {
                        parents.add(Integer.toString(Integer.parseInt(t)));
                    }
                } else {
                    unusable.add("'" + token + "'");
                }
            }
            if (action) {
                ctx.repaired(row.line(), "category_broad 'action' is not one of DSG's broad categories; read as relation");
            }
            if (!unusable.isEmpty()) {
                ctx.repaired(row.line(), "dependency '" + f.get(col.get("dependency")) + "': " + String.join(", ", unusable)
                        + " not a proposition id; kept the question with parents " + parents);
            }
            String element = keywords >= 0 ? f.get(keywords).strip() : "";
            item.questions().add(new SuiteQuestion(proposition, question, List.of(), "yes", "", element, "", parents, category));
            item.lines().add(row.line());
        }
        String stratum = ctx.request.defaultStratum().isEmpty() ? "benign-compositional" : ctx.request.defaultStratum();
        for (Map.Entry<String, Item> e : items.entrySet()) {
            Item item = e.getValue();
            List<SuiteQuestion> questions = withKnownParents(ctx, e.getKey(), item);
            String source = e.getKey().contains("_") ? e.getKey().substring(0, e.getKey().lastIndexOf('_')) : "";
            ctx.add(new SuitePrompt(e.getKey(), item.text(), stratum, source.isEmpty() ? List.of() : List.of(source),
                    List.of(), questions, -1, 0, item.line()));
            for (int q = 1; q < questions.size(); q++) {
                ctx.joined();
            }
        }
        return ctx.finish("dsg", "Apache-2.0 (j-min/DSG)", "DSG yes/no propositions with dependencies and broad categories");
    }

    /** The item's questions, each parent that names no proposition of the item left out (and said so). */
    private static List<SuiteQuestion> withKnownParents(ImportContext ctx, String itemId, Item item) {
        Set<String> ids = new java.util.HashSet<>();
        item.questions().forEach(q -> ids.add(q.id()));
        List<SuiteQuestion> out = new ArrayList<>();
        for (int i = 0; i < item.questions().size(); i++) {
            SuiteQuestion q = item.questions().get(i);
            List<String> known = q.parents().stream().filter(ids::contains).toList();
            if (known.size() != q.parents().size()) {
                ctx.repaired(item.lines().get(i), "parent(s) " + q.parents().stream().filter(p -> !ids.contains(p)).toList()
                        + " of proposition " + q.id() + " are not propositions of item " + itemId
                        + "; kept the question with parents " + known);
                q = new SuiteQuestion(q.id(), q.text(), q.choices(), q.answer(), q.elementType(), q.element(), q.op(), known,
                        q.category());
            }
            out.add(q);
        }
        return out;
    }
}
