package dev.lucid.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer, giving the ids of openai/CLIP's reference {@code simple_tokenizer.py}
 * (the tokenizer of Stable Diffusion 1.x's text encoder). Cleaning: {@code html.unescape} twice, strip,
 * whitespace runs to one space, strip, lower case, all with Python's rules. ftfy's {@code fix_text}, which
 * the reference applies first, is not reproduced: texts that it would change (mojibake such as "cafÃ©",
 * HTML-escaped or curly quotes it normalises, broken surrogates, ligatures, control characters) can get
 * different ids; clean, well-formed text is unaffected. Texts over {@link #MAX_TEXT_CHARS} chars and texts
 * with unpaired surrogates are refused.
 */
public final class ClipBpeTokenizer implements PromptTokenizer {
    /** Longest text accepted; a prompt is far shorter, and BPE work grows with the length of a word. */
    public static final int MAX_TEXT_CHARS = 64 * 1024;
    /** CLIP's context length (start, 75 content ids, end). */
    public static final int CLIP_CONTEXT_LENGTH = 77;
    /** Merges of openai's vocabulary that make up the 49,408-token vocabulary (lines 2 .. 48,895 of the file). */
    public static final int OPENAI_MERGES = 48_894;
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final int MAX_CONTEXT_LENGTH = 4096;
    private static final int MAX_CACHED_WORDS = 1 << 16;

    private final String[] tokenById;
    private final int[] byteId = new int[256];
    private final int[] byteEndId = new int[256];
    private final PairRanks ranks;
    private final int[] mergedId;
    private final int startId;
    private final int endId;
    private final int padId;
    private final int contextLength;
    private final String fingerprint;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipBpeTokenizer(Map<String, Integer> vocab, List<String[]> merges, int contextLength, String padToken,
                             String where) {
        if (contextLength < 3 || contextLength > MAX_CONTEXT_LENGTH) {
            throw new IllegalArgumentException(where + ": context length must be 3.." + MAX_CONTEXT_LENGTH
                    + ", got " + contextLength);
        }
        this.contextLength = contextLength;
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        tokenById = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() < 0 || tokenById[e.getValue()] != null) {
                throw new IllegalArgumentException(where + ": id " + e.getValue() + " of '" + e.getKey()
                        + "' is negative or already taken");
            }
            tokenById[e.getValue()] = e.getKey();
        }
        char[] symbols = ByteSymbols.symbolOfByte();
        for (int b = 0; b < 256; b++) {
            byteId[b] = require(vocab, String.valueOf(symbols[b]), where);
            byteEndId[b] = require(vocab, symbols[b] + "</w>", where);
        }
        ranks = new PairRanks(merges.size());
        mergedId = new int[merges.size()];
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            int a = require(vocab, m[0], where + " merge " + (r + 1));
            int b = require(vocab, m[1], where + " merge " + (r + 1));
            if (!ranks.putIfAbsent(a, b, r)) {
                throw new IllegalArgumentException(where + ": merge " + (r + 1) + " '" + m[0] + " " + m[1] + "' repeats");
            }
            mergedId[r] = require(vocab, m[0] + m[1], where + " merge " + (r + 1));
        }
        startId = require(vocab, ClipPieces.START, where);
        endId = require(vocab, ClipPieces.END, where);
        padId = require(vocab, padToken, where + " pad token");
        fingerprint = fingerprint(merges);
    }

    private static int require(Map<String, Integer> vocab, String token, String where) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(where + ": token '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    /**
     * Reads openai's {@code bpe_simple_vocab_16e6.txt.gz}: the 256 byte symbols, the same with {@code </w>},
     * its first {@value #OPENAI_MERGES} merges joined, then {@code <|startoftext|>} and {@code <|endoftext|>}.
     * {@code padToken} fills rows after the end token: {@code "!"} (id 0) as openai's {@code clip.tokenize}
     * does, {@code "<|endoftext|>"} as Stable Diffusion 1.x's tokenizer does.
     */
    public static ClipBpeTokenizer openAiVocabulary(Path gz, String padToken) throws IOException {
        String where = gz.toString();
        List<String[]> merges = openAiMerges(gz);
        List<String> tokens = openAiTokens(merges);
        Map<String, Integer> vocab = new HashMap<>();
        for (String t : tokens) {
            if (vocab.putIfAbsent(t, vocab.size()) != null) {
                throw new IllegalArgumentException(where + ": token '" + t + "' occurs twice in the vocabulary");
            }
        }
        return new ClipBpeTokenizer(vocab, merges, CLIP_CONTEXT_LENGTH, padToken, where);
    }

    /** The first {@value #OPENAI_MERGES} merges of openai's gzip vocabulary. */
    private static List<String[]> openAiMerges(Path gz) throws IOException {
        String where = gz.toString();
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            raw = readBounded(in, where);
        }
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\n", OPENAI_MERGES + 2);
        if (lines.length < OPENAI_MERGES + 1) {
            throw new IllegalArgumentException(where + ": has " + lines.length + " lines, needs a header and "
                    + OPENAI_MERGES + " merges");
        }
        List<String[]> merges = new ArrayList<>(OPENAI_MERGES);
        for (int i = 1; i <= OPENAI_MERGES; i++) {
            merges.add(mergeLine(lines[i], where + " line " + (i + 1)));
        }
        return merges;
    }

    /** Tokens in id order: byte symbols, the same with {@code </w>}, the merges joined, start, end. */
    private static List<String> openAiTokens(List<String[]> merges) {
        List<String> tokens = new ArrayList<>();
        for (char c : ByteSymbols.vocabularyOrder()) {
            tokens.add(String.valueOf(c));
        }
        for (char c : ByteSymbols.vocabularyOrder()) {
            tokens.add(c + "</w>");
        }
        for (String[] m : merges) {
            tokens.add(m[0] + m[1]);
        }
        tokens.add(ClipPieces.START);
        tokens.add(ClipPieces.END);
        return tokens;
    }

    /**
     * Writes openai's gzip vocabulary as a diffusers tokenizer folder's {@code vocab.json} (one line, ids in
     * order) and {@code merges.txt} ({@code #version: 0.2}, then one merge per line), the files that
     * {@link #diffusersFolder} reads.
     */
    public static void writeDiffusersVocabulary(Path gz, Path dir) throws IOException {
        List<String[]> merges = openAiMerges(gz);
        List<String> tokens = openAiTokens(merges);
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> vocab = new java.util.LinkedHashMap<>();
        for (String t : tokens) {
            vocab.put(t, vocab.size());
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vocab.json"), json.writeValueAsString(vocab), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            b.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        Files.writeString(dir.resolve("merges.txt"), b, StandardCharsets.UTF_8);
    }

    /**
     * Reads a diffusers/transformers tokenizer folder: {@code vocab.json}, {@code merges.txt} (a
     * {@code #version} header, then one merge per line), the pad token from {@code special_tokens_map.json}
     * or {@code tokenizer_config.json} ({@code <|endoftext|>} when neither names one) and the context length
     * from {@code tokenizer_config.json}'s {@code model_max_length} (77 when absent).
     */
    public static ClipBpeTokenizer diffusersFolder(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path vocabFile = dir.resolve("vocab.json");
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode v = json.readTree(readBounded(vocabFile));
        if (!v.isObject()) {
            throw new IllegalArgumentException(vocabFile + ": is not a JSON object of token -> id");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                throw new IllegalArgumentException(vocabFile + ": id of '" + e.getKey() + "' is not an integer");
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        Path mergesFile = dir.resolve("merges.txt");
        String[] lines = new String(readBounded(mergesFile), StandardCharsets.UTF_8).split("\n");
        List<String[]> merges = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if ((i == 0 && line.startsWith("#version")) || (line.isEmpty() && i == lines.length - 1)) {
                continue;
            }
            merges.add(mergeLine(line, mergesFile + " line " + (i + 1)));
        }
        JsonNode special = optionalJson(json, dir.resolve("special_tokens_map.json"));
        JsonNode config = optionalJson(json, dir.resolve("tokenizer_config.json"));
        String pad = tokenName(special.path("pad_token"));
        if (pad == null) {
            pad = tokenName(config.path("pad_token"));
        }
        JsonNode maxLength = config.path("model_max_length");
        int context = CLIP_CONTEXT_LENGTH;
        if (!maxLength.isMissingNode()) {
            if (!maxLength.canConvertToInt()) {
                throw new IllegalArgumentException(dir.resolve("tokenizer_config.json")
                        + ": model_max_length must be an integer, got " + maxLength);
            }
            context = maxLength.intValue();
        }
        return new ClipBpeTokenizer(vocab, merges, context, pad == null ? ClipPieces.END : pad, dir.toString());
    }

    private static String tokenName(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        return node.path("content").isTextual() ? node.path("content").asText() : null;
    }

    private static JsonNode optionalJson(ObjectMapper json, Path file) throws IOException {
        return Files.exists(file) ? json.readTree(readBounded(file)) : json.createObjectNode();
    }

    private static String[] mergeLine(String line, String where) {
        String[] parts = line.split(" ");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(where + ": a merge is two tokens separated by one space, got '" + line + "'");
        }
        return parts;
    }

    private static byte[] readBounded(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private static byte[] readBounded(InputStream in, String where) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(where + ": more than " + MAX_FILE_BYTES + " bytes uncompressed");
            }
        }
        return out.toByteArray();
    }

    /** Hash of the settings, the tokens in id order and the merges in rank order (same for both layouts). */
    private String fingerprint(List<String[]> merges) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder head = new StringBuilder("clip-bpe\ncontext ").append(contextLength).append("\nstart ")
                    .append(startId).append("\nend ").append(endId).append("\npad ").append(padId)
                    .append("\nmax_text_chars ").append(MAX_TEXT_CHARS).append("\ncleaning html2,strip,spaces,lower\n");
            sha.update(head.toString().getBytes(StandardCharsets.UTF_8));
            for (int id = 0; id < tokenById.length; id++) {
                sha.update((id + " " + (tokenById[id] == null ? "" : tokenById[id]) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (String[] m : merges) {
                sha.update((m[0] + " " + m[1] + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cleaned, lower-cased text that is split into pieces (the reference's cleaning without ftfy). */
    public static String clean(String text) {
        checkText(text);
        String t = HtmlUnescape.unescape(HtmlUnescape.unescape(text));
        return PythonText.lower(PythonText.strip(PythonText.collapseSpaces(PythonText.strip(t))));
    }

    private static void checkText(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text is missing");
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("text is " + text.length() + " characters, longer than the "
                    + MAX_TEXT_CHARS + " accepted");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text has an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at index " + i + " (not encodable as UTF-8)");
            }
        }
    }

    @Override
    public int[] ids(String text) {
        String s = clean(text);
        IntBuffer out = new IntBuffer(Math.max(8, s.length() / 2));
        for (int i = 0; i < s.length(); ) {
            int end = ClipPieces.pieceEnd(s, i);
            if (end < 0) {
                i += Character.charCount(s.codePointAt(i));
                continue;
            }
            String piece = s.substring(i, end);
            if (piece.equals(ClipPieces.START)) {
                out.add(startId);
            } else if (piece.equals(ClipPieces.END)) {
                out.add(endId);
            } else {
                out.addAll(word(piece));
            }
            i = end;
        }
        return out.toArray();
    }

    /** BPE ids of one piece, cached (the cache is emptied when it reaches its bound). */
    private int[] word(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] ids = merge(piece.getBytes(StandardCharsets.UTF_8));
        if (cache.size() >= MAX_CACHED_WORDS) {
            cache.clear();
        }
        cache.put(piece, ids);
        return ids;
    }

    /** The reference's loop: merge every occurrence of the lowest-ranked adjacent pair, left to right, until none is ranked. */
    private int[] merge(byte[] bytes) {
        int n = bytes.length;
        int[] w = new int[n];
        for (int k = 0; k < n; k++) {
            w[k] = byteId[bytes[k] & 0xFF];
        }
        w[n - 1] = byteEndId[bytes[n - 1] & 0xFF];
        while (n > 1) {
            int best = Integer.MAX_VALUE;
            int first = -1;
            int second = -1;
            for (int k = 0; k + 1 < n; k++) {
                int r = ranks.get(w[k], w[k + 1]);
                if (r >= 0 && r < best) {
                    best = r;
                    first = w[k];
                    second = w[k + 1];
                }
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            int j = 0;
            for (int k = 0; k < n; ) {
                if (k + 1 < n && w[k] == first && w[k + 1] == second) {
                    w[j++] = mergedId[best];
                    k += 2;
                } else {
                    w[j++] = w[k++];
                }
            }
            n = j;
        }
        return Arrays.copyOf(w, n);
    }

    @Override
    public long[] modelInput(String text) {
        int[] ids = ids(text);
        long[] row = new long[contextLength];
        Arrays.fill(row, padId);
        row[0] = startId;
        int n = Math.min(ids.length, contextLength - 2);
        for (int k = 0; k < n; k++) {
            row[k + 1] = ids[k];
        }
        row[n + 1] = endId;
        return row;
    }

    /** The empty prompt's row, as diffusers encodes the unconditional branch. */
    @Override
    public long[] unconditionalInput() {
        return modelInput("");
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int padId() {
        return padId;
    }

    /** The start-of-text id. */
    public int startId() {
        return startId;
    }

    /** The end-of-text id. */
    public int endId() {
        return endId;
    }

    /** Vocabulary size (highest id + 1). */
    public int vocabularySize() {
        return tokenById.length;
    }

    @Override
    public int maxTextChars() {
        return MAX_TEXT_CHARS;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }
}
