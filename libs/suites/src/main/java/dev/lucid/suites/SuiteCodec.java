package dev.lucid.suites;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical encoding of a prompt: one JSON object with keys in a fixed order and no whitespace. A suite's
 * fingerprint is the sha-256 of its prompts' encodings, each followed by a newline; the suite store writes the
 * same lines, so a stored suite can be checked against its fingerprint when it is read back.
 */
public final class SuiteCodec {
    static final ObjectMapper JSON = new ObjectMapper();

    private SuiteCodec() {
    }

    /** The canonical JSON line of a prompt (without the source line number, which is not content). */
    public static String encode(SuitePrompt p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", p.id());
        o.put("text", p.text());
        o.put("stratum", p.stratum());
        ArrayNode cats = o.putArray("categories");
        p.categories().forEach(cats::add);
        ArrayNode tags = o.putArray("tags");
        p.tags().forEach(tags::add);
        ArrayNode qs = o.putArray("questions");
        for (SuiteQuestion q : p.questions()) {
            ObjectNode qo = qs.addObject();
            qo.put("id", q.id());
            qo.put("text", q.text());
            ArrayNode ch = qo.putArray("choices");
            q.choices().forEach(ch::add);
            qo.put("answer", q.answer());
            qo.put("element_type", q.elementType());
            qo.put("element", q.element());
            qo.put("op", q.op());
            // Only DSG propositions carry these, so every other suite keeps its encoding and fingerprint.
            if (!q.parents().isEmpty()) {
                ArrayNode parents = qo.putArray("parents");
                q.parents().forEach(parents::add);
            }
            if (!q.category().isEmpty()) {
                qo.put("category", q.category());
            }
        }
        o.put("seed", p.seed());
        o.put("guidance", p.guidance());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a canonical JSON line back. */
    public static SuitePrompt decode(JsonNode o) {
        List<SuiteQuestion> qs = new ArrayList<>();
        for (JsonNode q : o.path("questions")) {
            qs.add(new SuiteQuestion(q.path("id").asText(), q.path("text").asText(), strings(q.path("choices")),
                    q.path("answer").asText(), q.path("element_type").asText(), q.path("element").asText(), q.path("op").asText(),
                    strings(q.path("parents")), q.path("category").asText()));
        }
        return new SuitePrompt(o.path("id").asText(), o.path("text").asText(), o.path("stratum").asText(),
                strings(o.path("categories")), strings(o.path("tags")), qs, o.path("seed").asLong(-1), o.path("guidance").asDouble(0), 0);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A running fingerprint: feed prompts in suite order. */
    public static final class Fingerprint {
        private final MessageDigest digest;

        public Fingerprint() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Adds one prompt's canonical line. */
        public void add(String canonicalLine) {
            byte[] b = canonicalLine.getBytes(StandardCharsets.UTF_8);
            add(b, b.length);
        }

        /** Adds one prompt's canonical line, its first {@code length} bytes in UTF-8. */
        public void add(byte[] utf8, int length) {
            digest.update(utf8, 0, length);
            digest.update((byte) '\n');
        }

        /** The hex digest (ends the computation). */
        public String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** The fingerprint of prompts in order. */
    public static String fingerprint(List<SuitePrompt> prompts) {
        Fingerprint f = new Fingerprint();
        prompts.forEach(p -> f.add(encode(p)));
        return f.hex();
    }
}
