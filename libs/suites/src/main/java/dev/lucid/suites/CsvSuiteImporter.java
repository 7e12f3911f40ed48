package dev.lucid.suites;

import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Imports delimiter-separated files (I2P, COCO-30k, PartiPrompts, attack sets, generic CSV) row by row. */
final class CsvSuiteImporter {
    private CsvSuiteImporter() {
    }

    static ImportResult read(ImportContext ctx, Reader in, CsvLayout layout) {
        CsvReader csv = new CsvReader(in, ctx.file(), layout.delimiter(), layout.quoting(), ctx.limits);
        CsvReader.Row header = csv.next();
        if (header == null) {
            throw new SuiteFormatException(ctx.file(), 0, "empty file (no header row)");
        }
        List<String> names = header.fields();
        FormatColumns.check(ctx.file(), header.line(), layout.source(), names, ctx.request.columnMapping());
        Map<String, Integer> roles = resolve(ctx, layout, names);
        boolean paired = layout.roleColumns().containsKey("pair");
        if (paired && (!roles.containsKey("prompt") || !roles.containsKey("pair"))) {
            String role = roles.containsKey("prompt") ? "pair" : "prompt";
            throw new SuiteFormatException(ctx.file(), header.line(), "missing the " + (role.equals("pair") ? "normal" : "sensitive")
                    + " prompt column (" + String.join(" or ", layout.roleColumns().get(role)) + ", or --map " + role
                    + "=COLUMN; header: " + String.join(", ", names) + ")");
        }
        List<Integer> pieces = new ArrayList<>();
        if (!roles.containsKey("prompt")) {
            for (String p : layout.promptPieces()) {
                int i = names.indexOf(p);
                if (i >= 0) {
                    pieces.add(i);
                }
            }
            if (pieces.size() != layout.promptPieces().size() || pieces.isEmpty()) {
                String wanted = ctx.request.columnMapping().getOrDefault("prompt",
                        layout.roleColumns().getOrDefault("prompt", List.of("prompt")).get(0));
                throw new SuiteFormatException(ctx.file(), header.line(), "missing column '" + wanted + "' (header: "
                        + String.join(", ", names) + ")");
            }
        }
        long index = 0;
        for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
            if (row.blank()) {
                continue; // a blank line holds no row; a quoted empty field ("") is a row with an empty value
            }
            ctx.rowRead(row.line());
            long dataIndex = index++;
            if (row.fields().size() != names.size()) {
                int at = Math.min(row.fields().size(), names.size()) - 1; // the last field that has a column
                ctx.bad(row.line(at), row.column(at), "expected " + names.size() + " fields, found " + row.fields().size()
                        + (row.fields().size() > names.size() ? " (the extra fields start after this one)" : ""));
                continue;
            }
            SuitePrompt p;
            try {
                p = prompt(ctx, layout, names, roles, pieces, row, dataIndex);
            } catch (SuiteFormatException e) {
                throw e;
            } catch (FieldException e) {
                ctx.bad(row.line(e.field), row.column(e.field), e.getMessage());
                continue;
            } catch (IllegalArgumentException e) {
                ctx.bad(row.line(), e.getMessage());
                continue;
            }
            if (paired) {
                PromptPairs.add(ctx, p, row.fields().get(roles.get("pair")));
            } else {
                ctx.add(p);
            }
        }
        return ctx.finish(layout.source(), layout.license(), layout.description());
    }

    /** Column index of each role: the mapping's column, else the layout's first present candidate. */
    private static Map<String, Integer> resolve(ImportContext ctx, CsvLayout layout, List<String> names) {
        Map<String, Integer> roles = new HashMap<>();
        for (String role : ImportRequest.ROLES) {
            String mapped = ctx.request.columnMapping().get(role);
            if (mapped != null) {
                int i = names.indexOf(mapped);
                if (i < 0) {
                    throw new SuiteFormatException(ctx.file(), 1, "missing column '" + mapped + "' named by the mapping for "
                            + role + " (header: " + String.join(", ", names) + ")");
                }
                roles.put(role, i);
                continue;
            }
            for (String candidate : layout.roleColumns().getOrDefault(role, List.of())) {
                int i = names.indexOf(candidate);
                if (i >= 0) {
                    roles.put(role, i);
                    break;
                }
            }
        }
        return roles;
    }

    private static SuitePrompt prompt(ImportContext ctx, CsvLayout layout, List<String> names, Map<String, Integer> roles,
                                      List<Integer> pieces, CsvReader.Row row, long dataIndex) {
        List<String> f = row.fields();
        String text;
        if (roles.containsKey("prompt")) {
            text = f.get(roles.get("prompt"));
        } else {
            List<String> parts = new ArrayList<>();
            for (int i : pieces) {
                String v = f.get(i).strip();
                if (!v.isEmpty() && !v.equals("None")) {
                    parts.add(v);
                }
            }
            text = String.join(" ", parts);
        }
        String id = roles.containsKey("id") ? f.get(roles.get("id")).strip() : Long.toString(dataIndex);
        if (id.isEmpty()) {
            throw new FieldException(roles.get("id"), "column '" + names.get(roles.get("id")) + "': empty id");
        }
        List<String> categories = new ArrayList<>();
        if (roles.containsKey("category")) {
            String c = f.get(roles.get("category"));
            if (layout.splitCategories()) {
                for (String part : c.split(",")) {
                    if (!part.isBlank()) {
                        categories.add(part.strip());
                    }
                }
            } else if (!c.isBlank()) {
                categories.add(c.strip());
            }
        }
        long seed = roles.containsKey("seed")
                ? FieldException.at(roles.get("seed"), () -> seed(names.get(roles.get("seed")), f.get(roles.get("seed")))) : -1;
        double guidance = roles.containsKey("guidance") ? FieldException.at(roles.get("guidance"),
                () -> guidance(names.get(roles.get("guidance")), f.get(roles.get("guidance")))) : 0;
        String stratum = ctx.request.defaultStratum();
        if (roles.containsKey("stratum") && !f.get(roles.get("stratum")).isBlank()) {
            stratum = FieldException.at(roles.get("stratum"), () -> Strata.check(f.get(roles.get("stratum")).strip(),
                    "column '" + names.get(roles.get("stratum")) + "'"));
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String kind = layout.typedColumns().get(name);
            if (kind != null) {
                int at = i;
                FieldException.at(at, () -> {
                    checkType(name, kind, f.get(at));
                    return null;
                });
            }
            if (roles.containsValue(i) && !Integer.valueOf(i).equals(roles.get("id"))) {
                continue; // held in the prompt's own fields
            }
            tags.add((name.isEmpty() ? (i == 0 ? "index" : "column" + i) : name) + "=" + f.get(i));
        }
        return new SuitePrompt(id, text, stratum, categories, tags, List.of(), seed, guidance, row.line());
    }

    /** A malformed value in field {@code field} of a row, so the error can name its column. */
    private static final class FieldException extends IllegalArgumentException {
        final int field;

        FieldException(int field, String message) {
            super(message);
            this.field = field;
        }

        /** Runs a check of field {@code field}, tagging its refusal with the field. */
        static <T> T at(int field, java.util.function.Supplier<T> check) {
            try {
                return check.get();
            } catch (SuiteFormatException | FieldException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new FieldException(field, e.getMessage());
            }
        }
    }

    static long seed(String column, String v) {
        String s = v.strip();
        if (s.isEmpty()) {
            return -1;
        }
        long seed;
        try {
            seed = Long.parseLong(s.endsWith(".0") ? s.substring(0, s.length() - 2) : s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column '" + column + "': seed must be a non-negative integer, got '" + s + "'");
        }
        if (seed < 0) {
            throw new IllegalArgumentException("column '" + column + "': seed must be a non-negative integer, got '" + s + "'");
        }
        return seed;
    }

    static double guidance(String column, String v) {
        String s = v.strip();
        if (s.isEmpty()) {
            return 0;
        }
        double g;
        try {
            g = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            g = Double.NaN;
        }
        if (!(g > 0 && Double.isFinite(g))) {
            throw new IllegalArgumentException("column '" + column + "': guidance must be a positive number, got '" + s + "'");
        }
        return g;
    }

    private static void checkType(String column, String kind, String v) {
        String s = v.strip();
        if (s.isEmpty()) {
            return;
        }
        boolean ok;
        try {
            ok = switch (kind) {
                case "int" -> {
                    Long.parseLong(s);
                    yield true;
                }
                case "flag" -> s.equals("0") || s.equals("1");
                case "percent" -> {
                    double d = Double.parseDouble(s);
                    yield d >= 0 && d <= 100;
                }
                default -> Double.isFinite(Double.parseDouble(s));
            };
        } catch (NumberFormatException e) {
            ok = false;
        }
        if (!ok) {
            String want = switch (kind) {
                case "int" -> "an integer";
                case "flag" -> "0 or 1";
                case "percent" -> "a percentage in [0, 100]";
                default -> "a number";
            };
            throw new IllegalArgumentException("column '" + column + "': expected " + want + ", got '" + s + "'");
        }
    }
}
