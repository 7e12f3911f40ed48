package dev.lucid.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The random-weight Stable Diffusion 1.x stand-in of deploy/sd-tiny (optimum's ONNX layout) served by the model
 * repository: SD's tensor contracts, the UNet's external data, dynamic batch and spatial axes, and ONNX Runtime
 * reproducing the outputs that torch computed when the script exported the models (reference.json).
 */
class SdTinyExportTest {
    static final int HIDDEN = 16;
    static final float LATENT_SCALE = 0.18215f;
    /**
     * One timestep serves the whole guidance batch, so timestep's first dimension is not the batch: the UNet
     * is served without Triton batching, which takes a config that declares its tensors.
     */
    static final String UNET_CONFIG = """
            max_batch_size: 0
            input [
              { name: "sample" data_type: TYPE_FP32 dims: [ -1, 4, -1, -1 ] },
              { name: "timestep" data_type: TYPE_INT64 dims: [ -1 ] },
              { name: "encoder_hidden_states" data_type: TYPE_FP32 dims: [ -1, -1, 16 ] }
            ]
            output [ { name: "out_sample" data_type: TYPE_FP32 dims: [ -1, 4, -1, -1 ] } ]
            """;

    @TempDir
    static Path repoDir;
    static ModelRepository repo;
    static JsonNode reference;

    static Path export() {
        return Paths.get(System.getProperty("lucid.repo.root", "../.."), "deploy/sd-tiny/export");
    }

    /** Lays the optimum folders out as Triton model directories, as an importer does. */
    @BeforeAll
    static void load() throws Exception {
        Path base = export().resolve("base");
        serve(base.resolve("text_encoder"), "text_encoder", null);
        serve(base.resolve("vae_decoder"), "vae_decoder", null);
        serve(base.resolve("unet"), "unet", UNET_CONFIG);
        serve(export().resolve("esd-unet/unet"), "esd_unet", UNET_CONFIG);
        serve(export().resolve("des-text-encoder/text_encoder"), "des_text_encoder", null);
        repo = ModelRepository.load(repoDir, 1);
        reference = new ObjectMapper().readTree(export().resolve("reference.json").toFile());
    }

    static void serve(Path component, String name, String config) throws IOException {
        Path version = Files.createDirectories(repoDir.resolve(name).resolve("1"));
        try (var files = Files.list(component)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("model.onnx")).toList()) {
                Files.copy(f, version.resolve(f.getFileName()));
            }
        }
        if (config != null) {
            Files.writeString(repoDir.resolve(name).resolve("config.pbtxt"), config);
        }
    }

    @AfterAll
    static void close() {
        repo.close();
    }

    @Test
    void servesSdContracts() {
        assertTrue(repo.allReady(), repo.index().toString());
        assertEquals(List.of(new TensorSpec("input_ids", DataType.INT32, TensorShape.of(-1, -1))),
                repo.get("text_encoder", "").inputSpecs());
        assertEquals(List.of(new TensorSpec("last_hidden_state", DataType.FP32, TensorShape.of(-1, -1, HIDDEN)),
                new TensorSpec("pooler_output", DataType.FP32, TensorShape.of(-1, HIDDEN))),
                repo.get("text_encoder", "").outputSpecs());
        assertEquals(List.of(new TensorSpec("sample", DataType.FP32, TensorShape.of(-1, 4, -1, -1)),
                new TensorSpec("timestep", DataType.INT64, TensorShape.of(-1)),
                new TensorSpec("encoder_hidden_states", DataType.FP32, TensorShape.of(-1, -1, HIDDEN))),
                repo.get("unet", "").inputSpecs());
        assertEquals(List.of(new TensorSpec("out_sample", DataType.FP32, TensorShape.of(-1, 4, -1, -1))),
                repo.get("unet", "").outputSpecs());
        assertEquals(List.of(new TensorSpec("latent_sample", DataType.FP32, TensorShape.of(-1, 4, -1, -1))),
                repo.get("vae_decoder", "").inputSpecs());
        assertEquals(List.of(new TensorSpec("sample", DataType.FP32, TensorShape.of(-1, 3, -1, -1))),
                repo.get("vae_decoder", "").outputSpecs());
    }

    @Test
    void textEncodersReproduceTorch() throws Exception {
        JsonNode ids = reference.at("/inputs/input_ids");
        int[] values = new int[2 * 77];
        for (int i = 0; i < values.length; i++) {
            values[i] = ids.at("/values/" + i / 77 + "/" + i % 77).asInt();
        }
        Tensor input = Tensor.ofInts("input_ids", TensorShape.of(2, 77), values);
        Map<String, Tensor> out = repo.get("text_encoder", "").infer(List.of(input), List.of()).get();
        assertMatches("text_encoder.last_hidden_state", out.get("last_hidden_state"), TensorShape.of(2, 77, HIDDEN));
        assertMatches("text_encoder.pooler_output", out.get("pooler_output"), TensorShape.of(2, HIDDEN));
        // CLIP pools the hidden state at the first end token (position 4 of the first prompt).
        float[] last = out.get("last_hidden_state").floats();
        float[] pooled = out.get("pooler_output").floats();
        for (int d = 0; d < HIDDEN; d++) {
            assertEquals(last[4 * HIDDEN + d], pooled[d], 0f, "pooled dim " + d);
        }
        Map<String, Tensor> des = repo.get("des_text_encoder", "").infer(List.of(input), List.of()).get();
        assertMatches("des_text_encoder.last_hidden_state", des.get("last_hidden_state"),
                TensorShape.of(2, 77, HIDDEN));
        assertTrue(maxAbsDifference(last, des.get("last_hidden_state").floats()) > 0.1,
                "the DES-like text encoder must differ from the base one");
    }

    @Test
    void unetsBroadcastOneTimestepOverTheGuidanceBatch() throws Exception {
        List<Tensor> inputs = List.of(
                Tensor.ofFloats("sample", TensorShape.of(2, 4, 8, 8), pattern(2 * 4 * 8 * 8, 0.5)),
                Tensor.ofLongs("timestep", TensorShape.of(1), reference.at("/inputs/timestep/0").asLong()),
                Tensor.ofFloats("encoder_hidden_states", TensorShape.of(2, 77, HIDDEN), pattern(2 * 77 * HIDDEN, 1.5)));
        Tensor base = repo.get("unet", "").infer(inputs, List.of()).get().get("out_sample");
        assertMatches("unet.out_sample", base, TensorShape.of(2, 4, 8, 8));
        Tensor esd = repo.get("esd_unet", "").infer(inputs, List.of()).get().get("out_sample");
        assertMatches("esd_unet.out_sample", esd, TensorShape.of(2, 4, 8, 8));
        assertTrue(maxAbsDifference(base.floats(), esd.floats()) > 0.01, "the ESD-like UNet must differ");
    }

    @Test
    void unetAndDecoderTakeOtherLatentSizes() throws Exception {
        Tensor out = repo.get("unet", "").infer(List.of(
                Tensor.ofFloats("sample", TensorShape.of(1, 4, 16, 12), pattern(4 * 16 * 12, 0)),
                Tensor.ofLongs("timestep", TensorShape.of(1), 1),
                Tensor.ofFloats("encoder_hidden_states", TensorShape.of(1, 77, HIDDEN), pattern(77 * HIDDEN, 0))),
                List.of()).get().get("out_sample");
        assertEquals(TensorShape.of(1, 4, 16, 12), out.shape());
        assertFinite("unet 16x12", out.floats());
        Tensor image = repo.get("vae_decoder", "").infer(List.of(
                Tensor.ofFloats("latent_sample", TensorShape.of(3, 4, 16, 12), pattern(3 * 4 * 16 * 12, 0))),
                List.of()).get().get("sample");
        assertEquals(TensorShape.of(3, 3, 128, 96), image.shape());
        assertFinite("vae 16x12", image.floats());
    }

    @Test
    void vaeDecoderUpsamplesByEightIntoUnsaturatedPixels() throws Exception {
        float[] latents = pattern(4 * 8 * 8, 2.5);
        for (int i = 0; i < latents.length; i++) {
            latents[i] /= LATENT_SCALE; // the pipeline decodes latents / 0.18215
        }
        Tensor image = repo.get("vae_decoder", "").infer(List.of(
                Tensor.ofFloats("latent_sample", TensorShape.of(1, 4, 8, 8), latents)), List.of()).get().get("sample");
        assertMatches("vae_decoder.sample", image, TensorShape.of(1, 3, 64, 64));
        long saturated = 0;
        for (float v : image.floats()) {
            saturated += Math.abs(v) > 1 ? 1 : 0;
        }
        assertTrue(saturated < image.floats().length / 5, saturated + " of " + image.floats().length + " pixels clip");
    }

    @Test
    void unetWithoutItsExternalDataIsUnavailable(@TempDir Path dir) throws Exception {
        Path version = Files.createDirectories(dir.resolve("unet/1"));
        Files.copy(export().resolve("base/unet/model.onnx"), version.resolve("model.onnx"));
        assertTrue(Files.size(version.resolve("model.onnx")) < 100_000, "the weights live in model.onnx_data");
        try (ModelRepository r = ModelRepository.load(dir, 1)) {
            assertFalse(r.allReady());
            assertEquals(ModelState.UNAVAILABLE, r.index().get(0).state());
            String reason = r.index().get(0).reason();
            assertTrue(reason.startsWith("ONNX Runtime cannot load 1/model.onnx") && reason.contains("model.onnx_data"),
                    reason);
        }
    }

    /** The script's deterministic input: element i = sin(0.37 i + phase). */
    static float[] pattern(int n, double phase) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(0.37 * i + phase);
        }
        return v;
    }

    static void assertMatches(String key, Tensor t, TensorShape shape) {
        assertEquals(shape, t.shape(), key);
        float[] v = t.floats();
        assertFinite(key, v);
        JsonNode ref = reference.at("/outputs/" + key.replace("/", "~1"));
        assertFalse(ref.isMissingNode(), "reference.json has no output " + key);
        double sum = 0;
        double absSum = 0;
        for (float x : v) {
            sum += x;
            absSum += Math.abs(x);
        }
        double refAbs = ref.get("abs_sum").asDouble();
        assertEquals(refAbs, absSum, 1e-4 * refAbs + 1e-3, key + " sum of |x|");
        assertEquals(ref.get("sum").asDouble(), sum, 1e-4 * refAbs + 1e-3, key + " sum");
        for (int i = 0; i < 4; i++) {
            assertEquals(ref.get("first").get(i).asDouble(), v[i], 1e-4, key + "[" + i + "]");
        }
    }

    static void assertFinite(String key, float[] v) {
        for (int i = 0; i < v.length; i++) {
            assertTrue(Float.isFinite(v[i]), key + "[" + i + "] = " + v[i]);
        }
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
