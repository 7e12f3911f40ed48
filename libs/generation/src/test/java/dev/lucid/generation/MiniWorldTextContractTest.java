package dev.lucid.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.miniworld.MiniWorld;
import dev.lucid.miniworld.MiniWorldSuite;
import dev.lucid.tokenizers.ClipBpeTokenizer;
import dev.lucid.tokenizers.PromptTokenizer;
import dev.lucid.tokenizers.PromptTokenizers;
import dev.lucid.tokenizers.WordLevelTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The mini world's text encoders and its CLIPScore text tower keep the contract of Stable Diffusion's text
 * encoder and of CLIP: CLIP BPE ids [B, 77] from a diffusers tokenizer folder named by the catalog. Each graph reads back the word-level row it was trained on (its
 * {@code word_ids} output), which must be the word-level tokenizer's row for every caption of the grammar,
 * and the empty prompt must read as the null caption the denoiser was trained with.
 */
class MiniWorldTextContractTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final Path FOLDER = ROOT.resolve("deploy/mini-world/tokenizer");
    static final List<String> ENCODERS = List.of("text_encoder", "text_encoder_des", "text_encoder_sage");
    /** Every model that reads prompts: the text encoders and the CLIPScore text tower. */
    static final List<String> READERS = List.of("text_encoder", "text_encoder_des", "text_encoder_sage", "clip_text");
    static InProcessInference inference;
    static KServeClient client;

    @BeforeAll
    static void start() throws Exception {
        inference = InProcessInference.serve(ROOT.resolve("deploy/mini-world/models"));
        client = inference.client();
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Test
    void theCatalogNamesATokenizerFolderAsAStableDiffusionCatalogDoes() throws Exception {
        JsonNode catalog = new ObjectMapper().readTree(ROOT.resolve("deploy/catalogs/mini-world.json").toFile());
        for (JsonNode m : catalog.get("models")) {
            assertEquals("deploy/mini-world/tokenizer", m.get("tokenizer").asText(), m.get("name").asText());
        }
        PromptTokenizer t = PromptTokenizers.load(FOLDER);
        ClipBpeTokenizer clip = assertInstanceOf(ClipBpeTokenizer.class, t);
        assertEquals(77, clip.contextLength());
        assertEquals(49407, clip.padId(), "transformers' CLIPTokenizer pads with <|endoftext|>");
        JsonNode scorers = new ObjectMapper().readTree(ROOT.resolve("deploy/catalogs/mini-world-scorers.json").toFile());
        assertEquals("deploy/mini-world/tokenizer", scorers.path("utility").path("clip").path("tokenizer").asText());
        for (String name : READERS) {
            TensorShape in = client.modelMetadata(name).input("input_ids").orElseThrow().shape();
            assertEquals(77, in.dim(in.rank() - 1), name + " takes [B, 77]");
        }
    }

    @Test
    void miniWorldWordsGetClipsOwnIds(@TempDir Path tmp) throws Exception {
        // CLIP's ids for these texts (openai's tokenizer gives the same); "sku11s" is sku|1|1|s to CLIP's pre-tokenizer.
        PromptTokenizer folder = PromptTokenizers.load(FOLDER);
        Map<String, long[]> known = Map.of(
                "a red circle on the left", new long[]{320, 736, 7117, 525, 518, 1823},
                "two white skulls at the top", new long[]{1237, 1579, 31804, 536, 518, 1253},
                "a sku11s", new long[]{320, 909, 340, 272, 272, 338});
        for (Map.Entry<String, long[]> e : known.entrySet()) {
            long[] row = folder.modelInput(e.getKey());
            assertArrayEquals(e.getValue(), Arrays.copyOfRange(row, 1, 1 + e.getValue().length), e.getKey());
        }
        Path gz = ROOT.resolve("../shared/tokenizers/clip/bpe_simple_vocab_16e6.txt.gz");
        assumeTrue(Files.isRegularFile(gz), "openai's CLIP vocabulary not at " + gz + ": full-vocabulary comparison skipped");
        ClipBpeTokenizer.writeDiffusersVocabulary(gz, tmp);
        ClipBpeTokenizer full = ClipBpeTokenizer.diffusersFolder(tmp);
        for (MiniWorldSuite.Entry e : suite().entries()) {
            assertArrayEquals(full.modelInput(e.text()), folder.modelInput(e.text()), e.text());
        }
    }

    @Test
    void everyEncoderReadsTheWordLevelRowOfEveryCaption() throws Exception {
        PromptTokenizer clip = PromptTokenizers.load(FOLDER);
        WordLevelTokenizer words = WordLevelTokenizer.load(ROOT.resolve("deploy/mini-world/tokenizer.json"));
        List<String> texts = new ArrayList<>();
        suite().entries().forEach(e -> texts.add(e.text()));
        texts.addAll(List.of("A Red Circle, on the LEFT!", "a purple blob", "two sku11s on the left",
                "a white sku11 at the top", "a red circle on the left a red circle on the left a red circle"));
        for (String name : READERS) {
            long[][] read = wordIds(name, clip, texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(words.modelInput(texts.get(i)), read[i], name + ": " + texts.get(i));
            }
        }
        for (String name : ENCODERS) {
            assertArrayEquals(words.unconditionalInput(), wordIds(name, clip, List.of(""))[0],
                    name + ": the empty prompt is the null caption");
        }
        // CLIPScore reads the empty text as the word-level tokenizer encodes it, [BOS] [EOS].
        assertArrayEquals(words.modelInput(""), wordIds("clip_text", clip, List.of(""))[0]);
    }

    @Test
    void theUnconditionalBranchIsUnchangedByTheContract() throws Exception {
        // Diffusers encodes "" for classifier-free guidance; the graph maps it to the null caption it was trained on.
        PromptTokenizer clip = PromptTokenizers.load(FOLDER);
        float[] viaEmpty = states(clip.unconditionalInput());
        float[] viaModelInput = states(clip.modelInput(""));
        assertArrayEquals(viaEmpty, viaModelInput);
        float[] prompt = states(clip.modelInput("a red circle on the left"));
        assertTrue(maxDiff(viaEmpty, prompt) > 0.1, "a prompt encodes differently from the empty prompt");
    }

    private static MiniWorldSuite suite() throws Exception {
        return new MiniWorldSuite(MiniWorld.load(ROOT.resolve("deploy/mini-world/world.json")), 60, 11);
    }

    private static long[][] wordIds(String model, PromptTokenizer tokenizer, List<String> texts) throws Exception {
        int len = tokenizer.contextLength();
        long[][] out = new long[texts.size()][];
        for (int start = 0; start < texts.size(); start += 128) {
            int n = Math.min(128, texts.size() - start);
            long[] ids = new long[n * len];
            for (int i = 0; i < n; i++) {
                System.arraycopy(tokenizer.modelInput(texts.get(start + i)), 0, ids, i * len, len);
            }
            InferenceResult r = client.infer(InferenceRequest.builder(model)
                    .input(Tensor.ofLongs("input_ids", TensorShape.of(n, len), ids)).output("word_ids").build());
            long[] flat = r.output("word_ids").longs();
            int width = flat.length / n;
            for (int i = 0; i < n; i++) {
                out[start + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
            }
        }
        return out;
    }

    private static float[] states(long[] row) throws Exception {
        InferenceResult r = client.infer(InferenceRequest.builder("text_encoder")
                .input(Tensor.ofLongs("input_ids", TensorShape.of(1, row.length), row)).output("last_hidden_state").build());
        return r.output("last_hidden_state").floats();
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
