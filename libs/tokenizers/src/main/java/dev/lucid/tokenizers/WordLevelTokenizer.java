package dev.lucid.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face {@code tokenizer.json} with a WordLevel model, read and applied in Java: Lowercase
 * normalizer, Whitespace pre-tokenizer ({@code \w+|[^\w\s]+}), TemplateProcessing for single
 * sequences, right truncation and fixed right padding. Other tokenizer types are refused by name. The
 * unconditional input is all padding (the mini world's null caption).
 */
public final class WordLevelTokenizer implements PromptTokenizer {
    private static final Pattern WHITESPACE = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
    /** Longest text accepted; prompts are short, and this bounds the work per call. */
    public static final int MAX_TEXT_CHARS = 4096;
    /** Longest model input row accepted from a tokenizer.json. */
    public static final int MAX_CONTEXT_LENGTH = 4096;

    private final Map<String, Integer> vocab;
    private final int unkId;
    private final boolean lowercase;
    private final List<Integer> prefix = new ArrayList<>();
    private final List<Integer> suffix = new ArrayList<>();
    private final int maxLength;
    private final int padId;
    private final String fingerprint;

    private WordLevelTokenizer(JsonNode root) {
        fingerprint = sha256(root.toString());
        JsonNode model = root.path("model");
        if (!"WordLevel".equals(model.path("type").asText())) {
            throw new IllegalArgumentException("tokenizer model '" + model.path("type").asText()
                    + "' is not supported (WordLevel only)");
        }
        vocab = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        Integer unk = vocab.get(model.path("unk_token").asText());
        if (unk == null) {
            throw new IllegalArgumentException("unk_token '" + model.path("unk_token").asText() + "' is not in the vocabulary");
        }
        unkId = unk;
        JsonNode norm = root.path("normalizer");
        lowercase = !norm.isMissingNode() && !norm.isNull() && "Lowercase".equals(norm.path("type").asText());
        if (!norm.isMissingNode() && !norm.isNull() && !lowercase) {
            throw new IllegalArgumentException("normalizer '" + norm.path("type").asText() + "' is not supported");
        }
        String pre = root.path("pre_tokenizer").path("type").asText();
        if (!"Whitespace".equals(pre)) {
            throw new IllegalArgumentException("pre_tokenizer '" + pre + "' is not supported (Whitespace only)");
        }
        JsonNode post = root.path("post_processor");
        if (!post.isMissingNode() && !post.isNull()) {
            if (!"TemplateProcessing".equals(post.path("type").asText())) {
                throw new IllegalArgumentException("post_processor '" + post.path("type").asText() + "' is not supported");
            }
            boolean seenSequence = false;
            for (JsonNode piece : post.path("single")) {
                if (piece.has("Sequence")) {
                    seenSequence = true;
                } else {
                    String token = piece.path("SpecialToken").path("id").asText();
                    int id = post.path("special_tokens").path(token).path("ids").path(0).asInt(-1);
                    if (id < 0) {
                        throw new IllegalArgumentException("special token '" + token + "' has no id");
                    }
                    (seenSequence ? suffix : prefix).add(id);
                }
            }
        }
        maxLength = root.path("truncation").path("max_length").asInt(-1);
        if (maxLength < 1 || maxLength > MAX_CONTEXT_LENGTH) {
            throw new IllegalArgumentException("truncation.max_length must be 1.." + MAX_CONTEXT_LENGTH
                    + ", got " + root.path("truncation").path("max_length"));
        }
        padId = root.path("padding").path("pad_id").asInt(0);
        if (!root.path("padding").path("strategy").has("Fixed")) {
            throw new IllegalArgumentException("only fixed-length padding is supported");
        }
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a tokenizer.json; errors name the file. */
    public static WordLevelTokenizer load(Path file) throws IOException {
        try {
            return new WordLevelTokenizer(new ObjectMapper().readTree(file.toFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public int contextLength() {
        return maxLength;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int maxTextChars() {
        return MAX_TEXT_CHARS;
    }

    @Override
    public int[] ids(String text) {
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("text is " + text.length() + " characters, longer than the "
                    + MAX_TEXT_CHARS + " accepted");
        }
        String t = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        List<Integer> pieces = new ArrayList<>();
        Matcher m = WHITESPACE.matcher(t);
        while (m.find()) {
            pieces.add(vocab.getOrDefault(m.group(), unkId));
        }
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public long[] modelInput(String text) {
        int[] pieces = ids(text);
        int room = Math.max(0, maxLength - prefix.size() - suffix.size());
        List<Integer> row = new ArrayList<>(prefix);
        for (int i = 0; i < Math.min(room, pieces.length); i++) {
            row.add(pieces[i]);
        }
        row.addAll(suffix);
        long[] out = new long[maxLength];
        java.util.Arrays.fill(out, padId);
        for (int i = 0; i < Math.min(maxLength, row.size()); i++) {
            out[i] = row.get(i);
        }
        return out;
    }

    @Override
    public long[] unconditionalInput() {
        long[] out = new long[maxLength];
        java.util.Arrays.fill(out, padId);
        return out;
    }
}
