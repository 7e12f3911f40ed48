package dev.lucid.suites;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Imports JSON formats: TIFA v1.0 lists (text inputs, question–answer pairs), GenEval JSONL and generic JSONL. */
final class JsonSuiteImporter {
    private JsonSuiteImporter() {
    }

    private static ObjectMapper mapper(ImportLimits limits) {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(limits.maxFieldChars()).maxNestingDepth(16).build()).build();
        return new ObjectMapper(f);
    }

    /** Streams the objects of a top-level JSON list, one at a time, with the line each starts on. */
    static void eachListItem(Reader in, String file, ImportLimits limits, BiConsumer<JsonNode, Long> item) {
        ObjectMapper m = mapper(limits);
        try (JsonParser p = m.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SuiteFormatException(file, 0, "empty file (expected a JSON list)");
            }
            if (t != JsonToken.START_ARRAY) {
                throw new SuiteFormatException(file, p.currentTokenLocation().getLineNr(), "expected a JSON list, found " + t.asString());
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new SuiteFormatException(file, p.currentLocation().getLineNr(), "truncated JSON list (no closing ']')");
                }
                long line = p.currentTokenLocation().getLineNr();
                JsonNode n = m.readTree(p);
                item.accept(n, line);
            }
            if (p.nextToken() != null) {
                throw new SuiteFormatException(file, p.currentTokenLocation().getLineNr(), "text after the JSON list");
            }
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof SuiteFormatException f) {
                throw f; // invalid UTF-8 under the parser
            }
            throw new SuiteFormatException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? 0 : e.getLocation().getColumnNr(), "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Streams the objects of a JSON-lines file; a line that is not a JSON object is a malformed row. */
    static void eachLine(ImportContext ctx, Reader in, String file, BiConsumer<JsonNode, Long> item) {
        ObjectMapper m = mapper(ctx.limits);
        LineReader lines = new LineReader(in, file, ctx.limits.maxRecordChars());
        for (String l = lines.next(); l != null; l = lines.next()) {
            if (l.isBlank()) {
                continue;
            }
            long line = lines.lineNumber();
            ctx.rowRead(line);
            JsonNode n;
            try {
                n = m.readTree(l);
            } catch (JsonProcessingException e) {
                ctx.bad(line, e.getLocation() == null ? 0 : e.getLocation().getColumnNr(), "invalid JSON: " + e.getOriginalMessage());
                continue;
            }
            if (!n.isObject()) {
                ctx.bad(line, "expected a JSON object");
                continue;
            }
            try {
                item.accept(n, line);
            } catch (IllegalArgumentException e) {
                if (e instanceof SuiteFormatException) {
                    throw e;
                }
                ctx.bad(line, e.getMessage());
            }
        }
    }

    static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "': expected a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    // ---- TIFA v1.0 ----

    static final String TIFA_LICENSE = "Apache-2.0 (Yushi-Hu/tifa); COCO captions CC BY 4.0";

    /**
     * TIFA: the main file is a list of text inputs {id, caption[, coco_val_id]} or of question–answer records
     * {id, caption, question, choices, answer, element_type, element}; a second question–answer file, when given,
     * is joined to the text inputs by id.
     */
    static ImportResult tifa(ImportContext ctx, Reader main, Reader questions, String questionsFile) {
        // Questions join their prompts until both files are read, so TIFA's prompts are held here, then added.
        List<SuitePrompt> held = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        eachListItem(main, ctx.file(), ctx.limits, (n, line) -> {
            ctx.rowRead(line);
            try {
                if (!n.isObject()) {
                    throw new IllegalArgumentException("expected a JSON object");
                }
                String id = text(n, "id");
                String caption = text(n, "caption");
                if (n.has("question")) {
                    SuiteQuestion q = tifaQuestion(n, 0);
                    Integer at = index.get(id);
                    if (at != null) {
                        attach(held, at, q);
                        ctx.joined();
                        return;
                    }
                    index.put(id, held.size());
                    held.add(tifaPrompt(ctx, n, id, caption, line));
                    attach(held, held.size() - 1, q);
                } else if (index.containsKey(id)) {
                    ctx.bad(line, "id '" + id + "' repeats an earlier row's id");
                } else {
                    index.put(id, held.size());
                    held.add(tifaPrompt(ctx, n, id, caption, line));
                }
            } catch (IllegalArgumentException e) {
                if (e instanceof SuiteFormatException) {
                    throw e;
                }
                ctx.bad(line, e.getMessage());
            }
        });
        if (questions != null) {
            String qf = questionsFile == null || questionsFile.isEmpty() ? "questions" : questionsFile;
            eachListItem(questions, qf, ctx.limits, (n, line) -> {
                ctx.rowRead(line);
                try {
                    if (!n.isObject()) {
                        throw new IllegalArgumentException("expected a JSON object");
                    }
                    String id = text(n, "id");
                    Integer at = index.get(id);
                    if (at == null) {
                        throw new IllegalArgumentException("question for id '" + id + "', which no text input has");
                    }
                    if (!text(n, "caption").equals(held.get(at).text())) {
                        throw new IllegalArgumentException("caption of id '" + id + "' differs from the text input's");
                    }
                    attach(held, at, tifaQuestion(n, 0));
                    ctx.joined();
                } catch (IllegalArgumentException e) {
                    if (e instanceof SuiteFormatException) {
                        throw e;
                    }
                    SuiteFormatException bad = new SuiteFormatException(qf, line, e.getMessage());
                    if (!ctx.request.lenient()) {
                        throw bad;
                    }
                    ctx.badElsewhere(bad);
                }
            });
        }
        held.forEach(ctx::add);
        return ctx.finish("tifa", TIFA_LICENSE, "TIFA v1.0 text inputs (Hu et al., ICCV 2023)"
                + (questions != null ? " with question-answer pairs" : ""));
    }

    private static void attach(List<SuitePrompt> held, int at, SuiteQuestion q) {
        SuitePrompt p = held.get(at);
        SuiteQuestion numbered = new SuiteQuestion("q" + p.questions().size(), q.text(), q.choices(), q.answer(), q.elementType(),
                q.element(), q.op());
        held.set(at, p.withQuestions(List.of(numbered)));
    }

    private static SuitePrompt tifaPrompt(ImportContext ctx, JsonNode n, String id, String caption, long line) {
        String source = id.contains("_") ? id.substring(0, id.lastIndexOf('_')) : "";
        List<String> tags = new ArrayList<>();
        if (n.hasNonNull("coco_val_id")) {
            tags.add("coco_val_id=" + n.get("coco_val_id").asText());
        }
        return new SuitePrompt(id, caption, ctx.request.defaultStratum(), source.isEmpty() ? List.of() : List.of(source), tags,
                List.of(), -1, 0, line);
    }

    private static SuiteQuestion tifaQuestion(JsonNode n, int k) {
        String question = text(n, "question");
        String answer = text(n, "answer");
        JsonNode ch = n.get("choices");
        if (ch == null || !ch.isArray() || ch.isEmpty()) {
            throw new IllegalArgumentException("field 'choices': expected a non-empty list");
        }
        List<String> choices = new ArrayList<>();
        for (JsonNode c : ch) {
            if (!c.isTextual()) {
                throw new IllegalArgumentException("field 'choices': expected strings");
            }
            choices.add(c.asText());
        }
        if (!choices.contains(answer)) {
            throw new IllegalArgumentException("answer '" + answer + "' is not one of the choices " + choices);
        }
        return new SuiteQuestion("q" + k, question, choices, answer, text(n, "element_type"), text(n, "element"), "");
    }

    // ---- GenEval ----

    static ImportResult geneval(ImportContext ctx, Reader in) {
        long[] index = {0};
        eachLine(ctx, in, ctx.file(), (n, line) -> {
            long i = index[0]++;
            String tag = text(n, "tag");
            String prompt = text(n, "prompt");
            JsonNode include = n.get("include");
            if (include == null || !include.isArray() || include.isEmpty()) {
                throw new IllegalArgumentException("field 'include': expected a non-empty list");
            }
            List<SuiteQuestion> qs = new ArrayList<>();
            List<String> classes = new ArrayList<>();
            for (JsonNode req : include) {
                classes.add(text(req, "class"));
            }
            for (JsonNode req : include) {
                genevalInclude(req, classes, qs);
            }
            JsonNode exclude = n.get("exclude");
            if (exclude != null) {
                if (!exclude.isArray()) {
                    throw new IllegalArgumentException("field 'exclude': expected a list");
                }
                for (JsonNode req : exclude) {
                    String cls = text(req, "class");
                    int count = count(req);
                    qs.add(new SuiteQuestion("q" + qs.size(), "are there fewer than " + count + " " + cls + " in the image?",
                            List.of("yes", "no"), "yes", "counting", cls, op("exclude", req)));
                }
            }
            ctx.add(new SuitePrompt(Long.toString(i), prompt, ctx.request.defaultStratum(), List.of(tag), List.of("tag=" + tag),
                    qs, -1, 0, line));
        });
        return ctx.finish("geneval", "MIT (djghosh13/geneval)", "GenEval object-focused prompts (Ghosh et al., NeurIPS 2023)");
    }

    private static int count(JsonNode req) {
        JsonNode c = req.get("count");
        if (c == null || !c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 1) {
            throw new IllegalArgumentException("field 'count': expected a positive integer, got " + c);
        }
        return c.asInt();
    }

    private static void genevalInclude(JsonNode req, List<String> classes, List<SuiteQuestion> qs) {
        String cls = text(req, "class");
        int count = count(req);
        qs.add(new SuiteQuestion("q" + qs.size(), count == 1 ? "is there a " + cls + " in the image?"
                : "are there exactly " + count + " " + cls + " in the image?", List.of("yes", "no"), "yes",
                count == 1 ? "object" : "counting", cls, op("include", req)));
        if (req.has("color")) {
            String color = text(req, "color");
            qs.add(new SuiteQuestion("q" + qs.size(), "is the " + cls + " " + color + "?", List.of("yes", "no"), "yes", "color",
                    cls, op("include", req)));
        }
        if (req.has("position")) {
            JsonNode pos = req.get("position");
            if (!pos.isArray() || pos.size() != 2 || !pos.get(0).isTextual() || !pos.get(1).canConvertToInt()
                    || pos.get(1).asInt() < 0 || pos.get(1).asInt() >= classes.size()) {
                throw new IllegalArgumentException("field 'position': expected [relation, index of another include], got " + pos);
            }
            String other = classes.get(pos.get(1).asInt());
            qs.add(new SuiteQuestion("q" + qs.size(), "is the " + cls + " " + pos.get(0).asText() + " the " + other + "?",
                    List.of("yes", "no"), "yes", "spatial", cls, op("include", req)));
        }
    }

    private static String op(String kind, JsonNode req) {
        return "{\"op\":\"geneval_" + kind + "\",\"args\":" + req.toString() + "}";
    }

    // ---- generic JSONL ----

    static ImportResult genericJsonl(ImportContext ctx, Reader in) {
        Map<String, String> map = ctx.request.columnMapping();
        long[] index = {0};
        eachLine(ctx, in, ctx.file(), (n, line) -> {
            long i = index[0]++;
            String prompt = text(n, map.get("prompt"));
            String id = map.containsKey("id") ? scalar(n, map.get("id")) : Long.toString(i);
            if (id.isBlank()) {
                throw new IllegalArgumentException("field '" + map.get("id") + "': empty id");
            }
            List<String> cats = new ArrayList<>();
            if (map.containsKey("category") && n.hasNonNull(map.get("category"))) {
                String c = scalar(n, map.get("category"));
                if (!c.isBlank()) {
                    cats.add(c.strip());
                }
            }
            long seed = map.containsKey("seed") && n.hasNonNull(map.get("seed"))
                    ? CsvSuiteImporter.seed(map.get("seed"), scalar(n, map.get("seed"))) : -1;
            double guidance = map.containsKey("guidance") && n.hasNonNull(map.get("guidance"))
                    ? CsvSuiteImporter.guidance(map.get("guidance"), scalar(n, map.get("guidance"))) : 0;
            String stratum = ctx.request.defaultStratum();
            if (map.containsKey("stratum") && n.hasNonNull(map.get("stratum"))) {
                stratum = Strata.check(scalar(n, map.get("stratum")), "field '" + map.get("stratum") + "'");
            }
            List<String> tags = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!map.containsValue(e.getKey()) || e.getKey().equals(map.get("id"))) {
                    tags.add(e.getKey() + "=" + (e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
                }
            }
            ctx.add(new SuitePrompt(id, prompt, stratum, cats, tags, List.of(), seed, guidance, line));
        });
        return ctx.finish("jsonl", "", "generic JSON lines");
    }

    private static String scalar(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException("field '" + field + "': expected a string or number");
        }
        return v.asText();
    }
}
