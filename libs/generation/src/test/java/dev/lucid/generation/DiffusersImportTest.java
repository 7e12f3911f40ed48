package dev.lucid.generation;

import com.google.protobuf.ByteString;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import dev.lucid.tokenizers.PromptTokenizers;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lucid models add's logic on the sd-tiny export: what it writes, that it serves and generates, what it refuses. */
class DiffusersImportTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final Path EXPORT = SdTinyRepository.export(ROOT);

    static DiffusersImport.Request full(Path export, Path dir, String name, Path vocab) {
        return new DiffusersImport.Request(export, name, dir.resolve("models"), dir.resolve("catalog.json"), dir,
                null, null, vocab, false, 0);
    }

    static DiffusersImport.Request variant(Path export, Path dir, String name, String base, DiffusersImport.Part part) {
        return new DiffusersImport.Request(export, name, dir.resolve("models"), dir.resolve("catalog.json"), dir,
                base, part, null, false, 0);
    }

    @Test
    void importsBaseAndVariantsThatServeAndGenerateAsTheHandLaidModels(@TempDir Path dir) throws Exception {
        Path gz = SdTinyRepository.clipVocabulary();
        DiffusersImport.Result base = DiffusersImport.run(full(EXPORT.resolve("base"), dir, "sdt", gz));
        assertEquals(3, base.models().size());
        // text_encoder: model.onnx; unet: model.onnx + model.onnx_data; vae_decoder: model.onnx
        assertEquals(4, base.linked() + base.copied());
        assertEquals(List.of(), base.notes());
        String unet = Files.readString(dir.resolve("models/sdt_unet/config.pbtxt"));
        assertTrue(unet.contains("max_batch_size: 0") && unet.contains("{ name: \"timestep\" data_type: TYPE_INT64 dims: [ -1 ] }")
                && unet.contains("key: \"beta_schedule\" value: { string_value: \"scaled_linear\" }")
                && unet.contains("key: \"guidance_scale_default\" value: { string_value: \"7.5\" }"), unet);
        String te = Files.readString(dir.resolve("models/sdt_text_encoder/config.pbtxt"));
        assertTrue(te.contains("max_batch_size: 8") && te.contains("{ name: \"input_ids\" data_type: TYPE_INT32 dims: [ -1 ] }"), te);
        assertTrue(Files.isRegularFile(dir.resolve("models/sdt_unet/1/model.onnx_data")));
        assertTrue(Files.isRegularFile(dir.resolve("tokenizers/sdt/vocab.json")));
        assertFalse(Files.exists(dir.resolve("models/sdt_tokenizer")), "no tokenizer folder in the model repository");
        assertEquals("tokenizers/sdt", base.entry().get("tokenizer").asText());
        assertEquals(8, base.entry().get("sample_size").asInt());
        assertEquals(0.18215, base.entry().get("latent_scale").asDouble());
        DiffusersImport.run(variant(EXPORT.resolve("esd-unet"), dir, "sdt-esd", "sdt", DiffusersImport.Part.UNET));
        DiffusersImport.run(variant(EXPORT.resolve("des-text-encoder"), dir, "sdt-des", "sdt", DiffusersImport.Part.TEXT_ENCODER));
        assertEquals(5, Files.list(dir.resolve("models")).filter(p -> p.getFileName().toString().startsWith("sdt_")
                || p.getFileName().toString().startsWith("sdt-")).count());

        ModelCatalog catalog = ModelCatalog.load(dir.resolve("catalog.json"), dir);
        GenerationItem item = new GenerationItem("p", "a photo of a cat", 5);
        GenerationSettings s = GenerationSettings.of(6, 7.5);
        SdTinyRepository.write(ROOT, dir.resolve("models")); // the hand-laid models, to compare with
        try (ModelRepository repo = ModelRepository.load(dir.resolve("models"), 1)) {
            assertTrue(repo.allReady(), repo.index().toString());
            String name = "import-" + System.nanoTime();
            Server server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(new InferenceGrpcService(repo, "test")).build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                KServeClient client = new KServeClient(channel, ClientOptions.defaults());
                Map<String, String> shas = new java.util.HashMap<>();
                for (String m : List.of("sdt", "sdt-esd", "sdt-des")) {
                    ModelCatalog.Entry e = catalog.get(m).orElseThrow();
                    ComponentsGenerator g = new ComponentsGenerator(client, e.model(), PromptTokenizers.load(e.tokenizer()));
                    assertEquals(7.5, g.defaultGuidanceScale(), m + ": Stable Diffusion's own default guidance, variants too");
                    GeneratedImage img = g.generate(List.of(item), s).get(0);
                    assertEquals(64, img.width());
                    shas.put(m, img.sha256());
                }
                assertEquals(3, new java.util.HashSet<>(shas.values()).size(), shas.toString());
                // The import's configs carry SD 1.4's scheduler, the hand-laid UNet SD 1.x's defaults: the same images.
                T2iModel handLaidModel = LatentComponentsGeneratorTest.model("text_encoder", "unet", T2iModel.Noise.TORCH,
                        T2iModel.LatentSpace.SD_SCALE);
                String handLaid = new ComponentsGenerator(client, handLaidModel, LatentComponentsGeneratorTest.tokenizer())
                        .generate(List.of(item), s).get(0).sha256();
                assertEquals(handLaid, shas.get("sdt"));
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        }
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> DiffusersImport.run(full(EXPORT.resolve("base"), dir, "sdt", gz)));
        assertTrue(again.getMessage().contains("already has a model 'sdt'") && again.getMessage().contains("--replace"),
                again.getMessage());
        DiffusersImport.Request replace = new DiffusersImport.Request(EXPORT.resolve("base"), "sdt", dir.resolve("models"),
                dir.resolve("catalog.json"), dir, null, null, gz, true, 0);
        DiffusersImport.run(replace);
        assertEquals(3, ModelCatalog.load(dir.resolve("catalog.json"), dir).entries().size());
    }

    @Test
    void aFolderThatIsNotAnExportIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiffusersImport.run(full(dir.resolve("empty"), dir, "m", null)));
        assertTrue(e.getMessage().contains("model_index.json"), e.getMessage());
        Path noUnet = copyExport(dir);
        Files.delete(noUnet.resolve("unet/model.onnx"));
        e = assertThrows(IllegalArgumentException.class, () -> DiffusersImport.run(full(noUnet, dir, "m", null)));
        assertTrue(e.getMessage().contains(noUnet.resolve("unet/model.onnx").toString()), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void missingTokenizerFilesAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        // The committed export lacks vocab.json and merges.txt (derived from ../shared at run time).
        Path export = copyExport(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusersImport.run(full(export, dir, "m", null)));
        assertTrue(e.getMessage().contains(export.resolve("tokenizer/vocab.json").toString())
                && e.getMessage().contains("--tokenizer-vocab"), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void latentChannelsThatDisagreeAreRefusedNamingBothFiles(@TempDir Path dir) throws Exception {
        Path export = copyExport(dir);
        Path vae = export.resolve("vae_decoder/model.onnx");
        OnnxStub.write(vae, new ByteString[]{OnnxStub.valueInfo("latent_sample", 1, -1, 3, -1, -1)},
                new ByteString[]{OnnxStub.valueInfo("sample", 1, -1, 3, -1, -1)}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiffusersImport.run(full(export, dir, "m", Path.of("unused.gz"))));
        assertTrue(e.getMessage().startsWith("latent channels disagree") && e.getMessage().contains(vae.toString())
                && e.getMessage().contains("[-1, 4, -1, -1]") && e.getMessage().contains("[-1, 3, -1, -1]"), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void aVocabularyThatDoesNotMatchTheEmbeddingIsRefused(@TempDir Path dir) throws Exception {
        Path gz = SdTinyRepository.clipVocabulary();
        Path export = copyExport(dir);
        Path te = export.resolve("text_encoder/model.onnx");
        OnnxStub.write(te, new ByteString[]{OnnxStub.valueInfo("input_ids", 6, -1, -1)},
                new ByteString[]{OnnxStub.valueInfo("last_hidden_state", 1, -1, -1, 16)},
                "text_model.embeddings.token_embedding.weight", 1000, 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusersImport.run(full(export, dir, "m", gz)));
        assertTrue(e.getMessage().contains("49408 tokens") && e.getMessage().contains("embeds 1000")
                && e.getMessage().contains(te.toString()), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void aTokenizerFolderInsideTheModelRepositoryIsRefused(@TempDir Path dir) throws Exception {
        DiffusersImport.Request r = new DiffusersImport.Request(EXPORT.resolve("base"), "m", dir.resolve("models"),
                dir.resolve("models/catalog.json"), dir, null, null, Path.of("unused.gz"), false, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusersImport.run(r));
        assertTrue(e.getMessage().contains("inside the model repository"), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void anUnknownBaseIsRefused(@TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusersImport.run(
                variant(EXPORT.resolve("esd-unet"), dir, "esd", "nope", DiffusersImport.Part.UNET)));
        assertTrue(e.getMessage().startsWith("--base:") && e.getMessage().contains("'nope'"), e.getMessage());
        assertNothingWritten(dir);
    }

    @Test
    void readsGraphInterfacesWithoutLoadingWeights() throws Exception {
        OnnxGraph unet = OnnxGraph.read(EXPORT.resolve("base/unet/model.onnx"));
        assertEquals(List.of("sample", "timestep", "encoder_hidden_states"), unet.inputs().stream().map(OnnxGraph.Tensor::name).toList());
        assertEquals("[-1, 4, -1, -1]", java.util.Arrays.toString(unet.inputs().get(0).dims()));
        assertEquals(7, unet.inputs().get(1).elemType());
        assertEquals("out_sample", unet.outputs().get(0).name());
        OnnxGraph te = OnnxGraph.read(EXPORT.resolve("base/text_encoder/model.onnx"));
        assertEquals(6, te.input("input_ids").orElseThrow().elemType());
        assertTrue(te.initializers().values().stream().anyMatch(d -> d.length == 2 && d[0] == 49408 && d[1] == 16),
                te.initializers().keySet().toString());
        assertThrows(IllegalArgumentException.class, () -> OnnxGraph.read(EXPORT.resolve("base/model_index.json")));
    }

    /** A writable copy of the base export (4 MB). */
    static Path copyExport(Path dir) throws IOException {
        Path to = dir.resolve("export");
        Path from = EXPORT.resolve("base");
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    static void assertNothingWritten(Path dir) {
        for (String p : List.of("models", "tokenizers", "catalog.json")) {
            assertFalse(Files.exists(dir.resolve(p)), "a refused import writes nothing, but " + p + " exists");
        }
    }
}
