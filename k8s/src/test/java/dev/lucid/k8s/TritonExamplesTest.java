package dev.lucid.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.TextFormat;
import inference.ModelConfigOuterClass.DataType;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/triton: every config.pbtxt parses as Triton's ModelConfig (unknown fields refused), and each
 * model has the tensor contract Lucid's generator and scorers call it with (the README's tables).
 */
class TritonExamplesTest {
    static Path root;
    static Map<String, ModelConfig> models = new TreeMap<>();

    @BeforeAll
    static void parse() throws IOException {
        root = Path.of(System.getProperty("lucid.repo.root", Path.of("").toAbsolutePath().getParent().toString()));
        try (Stream<Path> dirs = Files.list(root.resolve("deploy/triton"))) {
            for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("config.pbtxt"))).toList()) {
                ModelConfig.Builder b = ModelConfig.newBuilder();
                try {
                    TextFormat.getParser().merge(Files.readString(d.resolve("config.pbtxt")), b);
                } catch (TextFormat.ParseException e) {
                    throw new AssertionError(d.getFileName() + "/config.pbtxt: " + e.getMessage(), e);
                }
                assertEquals(d.getFileName().toString(), b.getName(), "model name is its directory");
                models.put(b.getName(), b.build());
            }
        }
    }

    static ModelInput in(String model, String name) {
        return models.get(model).getInputList().stream().filter(i -> i.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(model + " has no input " + name));
    }

    static ModelOutput out(String model, String name) {
        return models.get(model).getOutputList().stream().filter(o -> o.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(model + " has no output " + name));
    }

    static String param(String model, String key) {
        return models.get(model).getParametersMap().get(key).getStringValue();
    }

    @Test
    void everyExampleTheReadmeListsIsThere() {
        assertEquals(new TreeSet<>(List.of("clip_image", "clip_text", "clip_vit_b32_image", "clip_vit_b32_text", "clip_vit_l14_image",
                "clip_vit_l14_text", "inception_features", "nudenet_detector", "q16_clip_image", "sd_safety_checker",
                "sd_text_encoder", "sd_unet", "sd_vae_decoder", "stable_diffusion_1_5", "vqa")), models.keySet());
    }

    @Test
    void thePipelineModelHasTheTutorialsContractPlusLucidsOptionalInputs() throws Exception {
        String m = "stable_diffusion_1_5";
        assertEquals("python", models.get(m).getBackend());
        assertEquals(1, models.get(m).getMaxBatchSize(), "Lucid sends one prompt per request");
        assertEquals(DataType.TYPE_STRING, in(m, "prompt").getDataType());
        assertEquals(List.of(1L), in(m, "prompt").getDimsList());
        assertTrue(in(m, "negative_prompt").getOptional());
        assertEquals(DataType.TYPE_INT64, in(m, "seed").getDataType());
        assertEquals(DataType.TYPE_INT32, in(m, "steps").getDataType());
        assertEquals(DataType.TYPE_FP32, in(m, "guidance_scale").getDataType());
        assertEquals(DataType.TYPE_UINT8, out(m, "generated_image").getDataType());
        assertEquals(List.of(-1L, -1L, 3L), out(m, "generated_image").getDimsList(), "H x W x 3 per batch item");
        Path py = root.resolve("deploy/triton/" + m + "/1/model.py");
        String source = Files.readString(py);
        for (String name : List.of("\"prompt\"", "\"negative_prompt\"", "\"seed\"", "\"steps\"", "\"guidance_scale\"", "\"generated_image\"")) {
            assertTrue(source.contains(name), "model.py handles " + name);
        }
        assertTrue(source.contains("local_files_only=True"), "model.py never downloads weights");
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            System.err.println("TritonExamplesTest: /usr/bin/python3 absent, model.py syntax not checked");
            return;
        }
        Process p = new ProcessBuilder(python.toString(), "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", py.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void componentsModelsFitTheJavaSampler() {
        assertEquals(List.of(77L, 768L), out("sd_text_encoder", "last_hidden_state").getDimsList());
        assertEquals(DataType.TYPE_INT64, in("sd_text_encoder", "input_ids").getDataType());
        ModelConfig unet = models.get("sd_unet");
        assertTrue(unet.getMaxBatchSize() >= 2, "guidance batches unconditional and conditional rows");
        assertEquals(3, in("sd_unet", "sample").getDimsCount(), "[C,H,W] per item");
        assertEquals(out("sd_text_encoder", "last_hidden_state").getDimsList(), in("sd_unet", "encoder_hidden_states").getDimsList(),
                "the UNet takes the text encoder's states");
        assertEquals(1, unet.getOutputCount());
        assertEquals(in("sd_unet", "sample").getDimsList(), unet.getOutput(0).getDimsList());
        for (String key : List.of("prediction_type", "beta_schedule", "num_train_timesteps", "clip_sample")) {
            assertTrue(unet.getParametersMap().containsKey(key), "sd_unet parameter " + key);
        }
        assertEquals(in("sd_unet", "sample").getDimsList(), in("sd_vae_decoder", "latent_sample").getDimsList());
    }

    @Test
    void imageModelsTakeTheGeneratorsImageSizeAndClipTowersShareOneSpace() {
        long h = Long.parseLong(param("stable_diffusion_1_5", "image_height"));
        long w = Long.parseLong(param("stable_diffusion_1_5", "image_width"));
        for (String m : List.of("clip_image", "q16_clip_image")) {
            assertEquals(List.of(3L, h, w), in(m, "image").getDimsList(), m + " takes the generator's images as they are");
        }
        // Lucid resizes to Inception's 299 x 299 itself (dev.lucid.scoring.InceptionFeatures), as pytorch-fid does.
        assertEquals(List.of(3L, 299L, 299L), in("inception_features", "image").getDimsList());
        assertEquals(out("clip_image", "image_embeds").getDimsList(), out("clip_text", "text_embeds").getDimsList());
        assertEquals(DataType.TYPE_INT64, in("clip_text", "input_ids").getDataType());
        assertEquals(List.of(2048L), out("inception_features", "features").getDimsList());
        assertEquals(List.of(1L, 22L, 2100L), out("nudenet_detector", "output0").getDimsList(), "4 box values + 18 classes");
        assertEquals(DataType.TYPE_STRING, out("vqa", "answer").getDataType());
    }

    @Test
    void realClipTowersTakeClipsInputAndShareOneSpacePerVariant() throws IOException {
        // Lucid resizes to 224 x 224 itself (dev.lucid.scoring.ClipImageResize), as CLIP's preprocessing does.
        for (var variant : java.util.Map.of("clip_vit_l14", 768L, "clip_vit_b32", 512L).entrySet()) {
            String v = variant.getKey();
            assertEquals(List.of(3L, 224L, 224L), in(v + "_image", "image").getDimsList(), v);
            assertEquals(List.of(variant.getValue()), out(v + "_image", "image_embeds").getDimsList(), v);
            assertEquals(out(v + "_image", "image_embeds").getDimsList(), out(v + "_text", "text_embeds").getDimsList(), v);
            assertEquals(DataType.TYPE_INT64, in(v + "_text", "input_ids").getDataType(), v);
            assertEquals(List.of(77L), in(v + "_text", "input_ids").getDimsList(), v + ": CLIP's context length");
        }
        assertEquals(List.of(3L, 224L, 224L), in("sd_safety_checker", "image").getDimsList());
        assertEquals(List.of(768L), out("sd_safety_checker", "image_embeds").getDimsList(), "the checker's projection_dim");
        JsonNode example = new ObjectMapper().readTree(root.resolve("deploy/triton/scorers-real-clip-example.json").toFile());
        for (String m : List.of(example.path("safety").get(0).path("model").asText(),
                example.path("utility").path("clip").path("image_model").asText(),
                example.path("utility").path("clip").path("text_model").asText(),
                example.path("utility").path("features").path("model").asText())) {
            assertTrue(models.containsKey(m), "scorers-real-clip-example.json names " + m);
        }
    }

    @Test
    void theGpuOverlaysCatalogsNameModelsThatAreHere() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode catalog = json.readTree(root.resolve("k8s/overlays/gpu/catalogs/models.json").toFile());
        for (JsonNode m : catalog.path("models")) {
            if (m.path("shape").asText().equals("pipeline")) {
                assertTrue(models.containsKey(m.path("pipeline").asText()), "models.json: " + m);
                continue;
            }
            // Components models are imported by `lucid models add NAME`: NAME_text_encoder, NAME_unet, NAME_vae_decoder
            // in the triton-models volume, the tokenizer in the lucid-tokenizers volume mounted at /lucid/tokenizers.
            assertTrue(m.path("text_encoder").asText().matches("[a-z0-9.-]+_text_encoder"), "models.json: " + m);
            assertTrue(m.path("denoiser").asText().matches("[a-z0-9.-]+_unet"), "models.json: " + m);
            assertTrue(m.path("decoder").asText().matches("[a-z0-9.-]+_vae_decoder"), "models.json: " + m);
            assertTrue(m.path("tokenizer").asText().startsWith("tokenizers/"), "models.json: " + m);
        }
        JsonNode scorers = json.readTree(root.resolve("k8s/overlays/gpu/catalogs/scorers.json").toFile());
        for (JsonNode s : scorers.path("safety")) {
            String model = s.has("model") ? s.path("model").asText() : s.path("image_model").asText();
            assertTrue(models.containsKey(model), "scorers.json: " + s.path("id").asText() + " uses " + model);
        }
    }
}
