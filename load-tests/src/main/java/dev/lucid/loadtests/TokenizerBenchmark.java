package dev.lucid.loadtests;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lucid.tokenizers.ClipBpeTokenizer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * CLIP tokenization on one thread: Lucid's {@link ClipBpeTokenizer} against DJL's Hugging Face tokenizers
 * (Rust, through JNI) on the 1,950 reference prompts: exactness, prompts/s (warm-up rounds, then timed
 * rounds; the median is reported) and start-up (load time, first call).
 *
 * <p>Usage: {@code TokenizerBenchmark [CLIP_DIR] [ROUNDS]}; CLIP_DIR holds {@code bpe_simple_vocab_16e6.txt.gz}
 * and {@code reference_ids.jsonl} (default {@code ../shared/tokenizers/clip}).
 */
public final class TokenizerBenchmark {
    private static final int WARMUP_ROUNDS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The edge cases the Java tests use (ids from the independent Python reference). */
    private static final Path EDGE_CASES = Path.of("libs/tokenizers/src/test/resources/clip_edge_cases.jsonl");

    private TokenizerBenchmark() {
    }

    record Prompt(String text, int[] ids) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/tokenizers/clip");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path gz = dir.resolve("bpe_simple_vocab_16e6.txt.gz");
        List<Prompt> prompts = read(dir.resolve("reference_ids.jsonl"));
        List<Prompt> edgeCases = read(EDGE_CASES);
        System.out.printf(Locale.ROOT, "%d prompts, %d cores, %s %s; %d warm-up + %d timed rounds, one thread%n%n",
                prompts.size(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), WARMUP_ROUNDS, rounds);

        long t0 = System.nanoTime();
        ClipBpeTokenizer lucid = ClipBpeTokenizer.openAiVocabulary(gz, "<|endoftext|>");
        double lucidLoadMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        lucid.ids(prompts.get(0).text());
        double lucidFirstMs = (System.nanoTime() - t0) / 1e6;
        report("Lucid ClipBpeTokenizer (Java)", lucidLoadMs, lucidFirstMs, prompts, edgeCases, rounds, lucid::ids);

        Path json = Files.createTempDirectory("clip-tokenizer-json").resolve("tokenizer.json");
        writeHuggingFaceTokenizerJson(gz, json);
        try {
            t0 = System.nanoTime();
            HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder().optTokenizerPath(json)
                    .optAddSpecialTokens(false).optTruncation(false).build();
            double djlLoadMs = (System.nanoTime() - t0) / 1e6;
            Function<String, int[]> encode = text -> {
                Encoding e = djl.encode(text, false, false);
                return Arrays.stream(e.getIds()).mapToInt(v -> (int) v).toArray();
            };
            t0 = System.nanoTime();
            encode.apply(prompts.get(0).text());
            double djlFirstMs = (System.nanoTime() - t0) / 1e6;
            report("DJL HuggingFaceTokenizer (Rust via JNI)", djlLoadMs, djlFirstMs, prompts, edgeCases, rounds, encode);
            Path jar = Path.of(HuggingFaceTokenizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            System.out.printf(Locale.ROOT, "DJL jar %s: %.1f MB (native libraries for several platforms inside)%n",
                    jar.getFileName(), Files.size(jar) / 1e6);
            Path cache = Path.of(System.getProperty("user.home"), ".djl.ai", "tokenizers");
            if (Files.isDirectory(cache)) {
                try (var files = Files.walk(cache)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".so")).forEach(p -> System.out.printf(
                            Locale.ROOT, "DJL native library extracted to %s (%.1f MB)%n", p, size(p) / 1e6));
                }
            }
        } catch (Throwable e) {
            System.out.println("DJL could not run: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                System.out.println("  caused by: " + c);
            }
        }
    }

    private static List<Prompt> read(Path jsonl) throws java.io.IOException {
        List<Prompt> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            JsonNode row = JSON.readTree(line);
            int[] ids = new int[row.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = row.get("ids").get(i).intValue();
            }
            out.add(new Prompt(row.get("text").asText(), ids));
        }
        return out;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static void report(String name, double loadMs, double firstMs, List<Prompt> prompts, List<Prompt> edgeCases,
                               int rounds, Function<String, int[]> encode) {
        int exactEdge = 0;
        for (Prompt p : edgeCases) {
            try {
                exactEdge += Arrays.equals(p.ids(), encode.apply(p.text())) ? 1 : 0;
            } catch (RuntimeException e) {
                // counted as different
            }
        }
        int exact = 0;
        List<String> firstMismatches = new ArrayList<>();
        for (Prompt p : prompts) {
            if (Arrays.equals(p.ids(), encode.apply(p.text()))) {
                exact++;
            } else if (firstMismatches.size() < 3) {
                firstMismatches.add(p.text().length() > 80 ? p.text().substring(0, 80) + "..." : p.text());
            }
        }
        long sink = 0;
        for (int r = 0; r < WARMUP_ROUNDS; r++) {
            for (Prompt p : prompts) {
                sink += encode.apply(p.text()).length;
            }
        }
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            for (Prompt p : prompts) {
                sink += encode.apply(p.text()).length;
            }
            rates[r] = prompts.size() / ((System.nanoTime() - t) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "%s%n  exact on %d / %d reference prompts%s; on %d / %d edge cases%n"
                        + "  prompts/s: median %.0f (min %.0f, max %.0f)%n  load %.0f ms, first call %.1f ms (ids checksum %d)%n%n",
                name, exact, prompts.size(), firstMismatches.isEmpty() ? "" : " (first differing: " + firstMismatches + ")", exactEdge, edgeCases.size(),
                rates[rounds / 2], rates[0], rates[rounds - 1], loadMs, firstMs, sink);
    }

    /**
     * The Hugging Face {@code tokenizer.json} of CLIP (as transformers ships it for openai/clip-vit-large-patch14):
     * NFC, whitespace runs to one space, lower case; the split pattern, then byte-level symbols; BPE with
     * {@code </w>} ends; the same vocabulary and merges as the gzip.
     */
    static void writeHuggingFaceTokenizerJson(Path gz, Path out) throws Exception {
        List<String> lines;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> merges = lines.subList(1, 1 + ClipBpeTokenizer.OPENAI_MERGES);
        List<String> symbols = new ArrayList<>();
        List<Integer> shifted = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if ((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
                symbols.add(String.valueOf((char) b));
            } else {
                shifted.add(b);
            }
        }
        for (int n = 0; n < shifted.size(); n++) {
            symbols.add(String.valueOf((char) (256 + n)));
        }
        ObjectNode vocab = JSON.createObjectNode();
        int id = 0;
        for (String s : symbols) {
            vocab.put(s, id++);
        }
        for (String s : symbols) {
            vocab.put(s + "</w>", id++);
        }
        for (String m : merges) {
            vocab.put(m.replace(" ", ""), id++);
        }
        vocab.put("<|startoftext|>", id++);
        vocab.put("<|endoftext|>", id);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of("<|startoftext|>", "<|endoftext|>")) {
            added.addObject().put("id", vocab.get(special).intValue()).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "NFC");
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("Regex", "\\s+");
        replace.put("content", " ");
        norms.addObject().put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex",
                "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");
        split.put("behavior", "Removed").put("invert", true);
        pres.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "RobertaProcessing");
        post.putArray("sep").add("<|endoftext|>").add(vocab.get("<|endoftext|>").intValue());
        post.putArray("cls").add("<|startoftext|>").add(vocab.get("<|startoftext|>").intValue());
        post.put("trim_offsets", false).put("add_prefix_space", false);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.put("unk_token", "<|endoftext|>").put("continuing_subword_prefix", "").put("end_of_word_suffix", "</w>")
                .put("fuse_unk", false).put("byte_fallback", false);
        model.set("vocab", vocab);
        ArrayNode mergeArray = model.putArray("merges");
        merges.forEach(mergeArray::add);
        JSON.writeValue(out.toFile(), root);
    }
}
