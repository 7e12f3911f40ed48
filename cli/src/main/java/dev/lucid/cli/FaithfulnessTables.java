package dev.lucid.cli;

import dev.lucid.suites.CsvReader;
import dev.lucid.suites.ImportLimits;
import dev.lucid.suites.SuiteFormatException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the CSV files of {@code lucid faithfulness} in DSG's release formats. A missing column or an unreadable file
 * is an error naming the file; a row that cannot be used is counted in the skipped ledger with its reason, and a
 * row used after a repair (a dependency list with non-integer tokens) in the repaired ledger.
 */
final class FaithfulnessTables {
    /**
     * One VQA answer row.
     *
     * @param model      text-to-image model (t2i_model)
     * @param itemId     prompt id (item_id)
     * @param questionId proposition id (question_id)
     * @param parents    parent proposition ids (dependency_id without 0 and non-integer tokens)
     * @param answer     the VQA answer as given
     * @param line       line of the row in the answers file
     */
    record Answer(String model, String itemId, int questionId, List<Integer> parents, String answer, long line) {
    }

    private final ImportLimits limits;
    final RowLedger skipped = new RowLedger();
    final RowLedger repaired = new RowLedger();
    /** Answer rows outside the requested split. */
    int filteredOut;

    FaithfulnessTables(ImportLimits limits) {
        this.limits = limits;
    }

    /** Answer rows (DSG release format: t2i_model, item_id, question_id, dependency_id, answer; dsg_prompt_split for a split). */
    List<Answer> answers(Path file, String split) throws IOException {
        List<Answer> out = new ArrayList<>();
        List<String> required = new ArrayList<>(List.of("t2i_model", "item_id", "question_id", "dependency_id", "answer"));
        if (split != null) {
            required.add("dsg_prompt_split");
        }
        read(file, required, row -> {
            if (split != null && !split.equals(row.get("dsg_prompt_split"))) {
                filteredOut++;
                return;
            }
            String model = row.get("t2i_model").strip();
            String item = row.get("item_id").strip();
            if (model.isEmpty() || item.isEmpty()) {
                row.skip("empty t2i_model or item_id");
                return;
            }
            Integer id = positiveInt(row.get("question_id"));
            if (id == null) {
                row.skip("question_id is not a positive integer");
                return;
            }
            List<Integer> parents = parents(row.get("dependency_id"));
            if (parents == null) {
                row.skip("dependency_id has a negative id");
                return;
            }
            if (droppedTokens(row.get("dependency_id"))) {
                row.repair("non-integer token dropped from dependency_id");
            }
            out.add(new Answer(model, item, id, parents, row.get("answer"), row.line()));
        });
        return out;
    }

    /** Broad category by item_id, then proposition_id (DSG question files: item_id, proposition_id, category_broad). */
    Map<String, Map<Integer, String>> categories(Path file) throws IOException {
        Map<String, Map<Integer, String>> out = new HashMap<>();
        read(file, List.of("item_id", "proposition_id", "category_broad"), row -> {
            Integer id = positiveInt(row.get("proposition_id"));
            if (id == null) {
                row.skip("proposition_id is not a positive integer");
                return;
            }
            String category = row.get("category_broad").strip();
            if (category.isEmpty()) {
                row.skip("empty category_broad");
                return;
            }
            if (out.computeIfAbsent(row.get("item_id").strip(), k -> new HashMap<>()).putIfAbsent(id, category) != null) {
                row.skip("duplicate item_id and proposition_id");
            }
        });
        return out;
    }

    /** Mean human rating per t2i_model and item_id (DSG's Likert file: t2i_model, item_id, answer in 1..5). */
    Map<ImageKey, Double> humanRatings(Path file) throws IOException {
        Map<ImageKey, double[]> sums = new LinkedHashMap<>();
        read(file, List.of("t2i_model", "item_id", "answer"), row -> {
            Integer rating = positiveInt(row.get("answer"));
            if (rating == null || rating > 5) {
                row.skip("rating is not an integer 1..5");
                return;
            }
            double[] s = sums.computeIfAbsent(new ImageKey(row.get("t2i_model").strip(), row.get("item_id").strip()),
                    k -> new double[2]);
            s[0] += rating;
            s[1]++;
        });
        Map<ImageKey, Double> out = new LinkedHashMap<>();
        sums.forEach((k, s) -> out.put(k, s[0] / s[1]));
        return out;
    }

    /** One image: its text-to-image model and prompt. */
    record ImageKey(String model, String itemId) {
    }

    /** A data row with its header, for lookups by column name. */
    final class Row {
        private final Map<String, Integer> columns;
        private final List<String> fields;
        private final long line;
        private final String file;

        Row(Map<String, Integer> columns, List<String> fields, long line, String file) {
            this.columns = columns;
            this.fields = fields;
            this.line = line;
            this.file = file;
        }

        String get(String column) {
            return fields.get(columns.get(column));
        }

        long line() {
            return line;
        }

        void skip(String reason) {
            skipped.add(file, line, reason);
        }

        void repair(String reason) {
            repaired.add(file, line, reason);
        }
    }

    private void read(Path file, List<String> required, Consumer<Row> each) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot read " + file + ": no such file");
        }
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvReader csv = new CsvReader(reader, name, ',', true, limits);
            CsvReader.Row header = csv.next();
            if (header == null) {
                throw new IllegalArgumentException(name + ": empty file, expected a header with " + required);
            }
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.fields().size(); i++) {
                columns.putIfAbsent(header.fields().get(i).strip(), i);
            }
            for (String c : required) {
                if (!columns.containsKey(c)) {
                    throw new IllegalArgumentException(name + ": missing column '" + c + "' (header: " + header.fields() + ")");
                }
            }
            int rows = 0;
            for (CsvReader.Row r = csv.next(); r != null; r = csv.next()) {
                if (++rows > limits.maxRows()) {
                    throw new IllegalArgumentException(name + ": more than " + limits.maxRows() + " rows");
                }
                if (r.fields().size() != header.fields().size()) {
                    skipped.add(name, r.line(), r.fields().size() == 1 && r.fields().get(0).isBlank() ? "blank line"
                            : "has " + r.fields().size() + " fields, the header has " + header.fields().size());
                    continue;
                }
                each.accept(new Row(columns, r.fields(), r.line(), name));
            }
        } catch (SuiteFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A positive decimal integer, or null. */
    static Integer positiveInt(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.length() > 9 || !t.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int v = Integer.parseInt(t);
        return v > 0 ? v : null;
    }

    /**
     * Parent ids of a dependency list, as DSG's {@code clean_dependency_id} reads one: comma-separated, tokens that
     * are not integers dropped, 0 meaning "no parent". Null when a token is a negative integer.
     */
    static List<Integer> parents(String dependency) {
        List<Integer> out = new ArrayList<>();
        for (String token : dependency.split(",", -1)) {
            String t = token.strip();
            if (t.matches("-\\d{1,9}")) {
                return null;
            }
            if (t.matches("\\d{1,9}")) {
                int p = Integer.parseInt(t);
                if (p > 0 && !out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Whether the dependency list had tokens other than integers (an empty list counts as "0"). */
    static boolean droppedTokens(String dependency) {
        if (dependency.isBlank()) {
            return true;
        }
        for (String token : dependency.split(",", -1)) {
            if (!token.strip().matches("-?\\d{1,9}")) {
                return true;
            }
        }
        return false;
    }
}
