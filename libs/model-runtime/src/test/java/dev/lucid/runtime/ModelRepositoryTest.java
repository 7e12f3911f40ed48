package dev.lucid.runtime;

import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository, validator and batcher driven directly, on the committed ONNX test models. */
class ModelRepositoryTest {
    static ModelRepository repo;

    static Path testModels() {
        return Paths.get(System.getProperty("lucid.repo.root", "../.."), "deploy/test-models/repository");
    }

    @BeforeAll
    static void load() throws Exception {
        repo = ModelRepository.load(testModels(), 1);
    }

    @AfterAll
    static void close() {
        repo.close();
    }

    @Test
    void loadsEveryTestModel() {
        assertTrue(repo.allReady(), repo.index().toString());
        assertEquals(List.of("conv_stack", "fixed_matmul", "half_scale", "image_u8", "int_types", "simple_add",
                "string_echo", "token_embedding", "toy_clip_image", "toy_clip_text", "toy_denoiser", "toy_inception", "toy_pipeline", "toy_safety",
                "toy_text_encoder", "toy_vqa"), repo.index().stream().map(ModelEntry::name).toList());
        assertEquals(List.of("2"), repo.versions("simple_add"));
        assertEquals(64, repo.get("simple_add", "").sha256().length());
    }

    @Test
    void toyVqaAnswersFromTheQuestionAndChoices() throws Exception {
        String[] questions = {"Is there a cat?", "Is the cat RED?", "Are there two dogs?", "What color is the cat?", "???"};
        String[] choices = {"", "", "", "pale green,blue", ""};
        String[] images = new String[questions.length];
        java.util.Arrays.fill(images, "not read");
        TensorShape shape = TensorShape.of(questions.length, 1);
        Map<String, Tensor> out = repo.get("toy_vqa", "").infer(List.of(Tensor.ofStrings("image", shape, images),
                Tensor.ofStrings("question", shape, questions), Tensor.ofStrings("choices", shape, choices)),
                List.of("answer")).get();
        assertArrayEquals(new String[]{"yes", "no", "no", "PALE GREEN", "yes"}, out.get("answer").strings());
    }

    @Test
    void latestVersionIsServed() throws Exception {
        Map<String, Tensor> out = repo.get("simple_add", "").infer(List.of(
                Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), new float[16]),
                Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])), List.of("OUTPUT0")).get();
        assertArrayEquals(new float[16], out.get("OUTPUT0").floats(), "version 1 would add 1000");
    }

    @Test
    void dynamicBatcherRunsConcurrentRequestsTogether() throws Exception {
        ServedModel m = repo.get("simple_add", "");
        long execBefore = m.stats().executionCount();
        long infBefore = m.stats().inferenceCount();
        List<CompletableFuture<Map<String, Tensor>>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] a = new float[16];
            java.util.Arrays.fill(a, i);
            futures.add(m.infer(List.of(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), a),
                    Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), a)), List.of()));
        }
        for (int i = 0; i < 8; i++) {
            float[] sum = futures.get(i).get().get("OUTPUT0").floats();
            assertEquals(2f * i, sum[15], "request " + i + " got another request's slice");
            assertEquals(TensorShape.of(1, 16), futures.get(i).get().get("OUTPUT0").shape());
        }
        assertEquals(8, m.stats().inferenceCount() - infBefore);
        assertTrue(m.stats().executionCount() - execBefore < 8);
    }

    @Test
    void requestsOfDifferentBatchSizesAreSplitBack() throws Exception {
        ServedModel m = repo.get("int_types", "");
        CompletableFuture<Map<String, Tensor>> a = m.infer(List.of(Tensor.ofInts("IDS", TensorShape.of(3, 4),
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)), List.of("DOUBLED"));
        CompletableFuture<Map<String, Tensor>> b = m.infer(List.of(Tensor.ofInts("IDS", TensorShape.of(1, 4),
                -1, -2, -3, -4)), List.of("DOUBLED"));
        assertArrayEquals(new long[]{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24}, a.get().get("DOUBLED").longs());
        assertArrayEquals(new long[]{-2, -4, -6, -8}, b.get().get("DOUBLED").longs());
    }

    @Test
    void validatorMessages() {
        InferenceException e = assertThrows(InferenceException.class, () -> repo.get("image_u8", "")
                .infer(List.of(Tensor.ofFloats("COLOR", TensorShape.of(5, 3), new float[15])), List.of()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertEquals("inference request batch-size must be <= 4 (and >= 1) for 'image_u8', input 'COLOR' has batch dimension 5",
                e.getMessage());
        assertEquals("unknown model: 'nope'", assertThrows(InferenceException.class, () -> repo.get("nope", "")).getMessage());
    }

    @Test
    void brokenDirectoriesAreIsolated(@TempDir Path dir) throws Exception {
        Path good = Files.createDirectories(dir.resolve("good/1"));
        Files.copy(testModels().resolve("fixed_matmul/1/model.onnx"), good.resolve("model.onnx"));
        Files.createDirectories(dir.resolve("no_versions"));
        Path mismatch = Files.createDirectories(dir.resolve("renamed/1"));
        Files.copy(testModels().resolve("fixed_matmul/1/model.onnx"), mismatch.resolve("model.onnx"));
        Files.writeString(dir.resolve("renamed/config.pbtxt"), "name: \"other\"");
        Path platform = Files.createDirectories(dir.resolve("tensorrt/1"));
        Files.write(platform.resolve("model.plan"), new byte[]{1});
        Files.writeString(dir.resolve("tensorrt/config.pbtxt"), "platform: \"tensorrt_plan\"");
        Path badType = Files.createDirectories(dir.resolve("bad_type/1"));
        Files.copy(testModels().resolve("fixed_matmul/1/model.onnx"), badType.resolve("model.onnx"));
        Files.writeString(dir.resolve("bad_type/config.pbtxt"),
                "input [ { name: \"X\" data_type: TYPE_INT32 dims: [ 2, 2 ] } ]");

        try (ModelRepository r = ModelRepository.load(dir, 1)) {
            assertFalse(r.allReady());
            Map<String, ModelEntry> idx = new java.util.HashMap<>();
            r.index().forEach(e -> idx.put(e.name(), e));
            assertEquals(ModelState.READY, idx.get("good").state());
            assertEquals(4, ConfigCompleter.DEFAULT_MAX_BATCH_SIZE);
            assertEquals("no version directory (a numeric folder such as 1/) in no_versions", idx.get("no_versions").reason());
            assertEquals("config name 'other' does not match model directory 'renamed'", idx.get("renamed").reason());
            assertTrue(idx.get("tensorrt").reason().startsWith("unsupported platform 'tensorrt_plan'"));
            assertEquals("config input 'X' is TYPE_INT32 but the model has TYPE_FP32", idx.get("bad_type").reason());
            InferenceException e = assertThrows(InferenceException.class, () -> r.get("renamed", ""));
            assertEquals(Status.Code.UNAVAILABLE, e.code());
            assertArrayEquals(new float[]{7, 10, 15, 22}, r.get("good", "").infer(List.of(
                    Tensor.ofFloats("X", TensorShape.of(2, 2), 1, 2, 3, 4)), List.of()).get().get("Y").floats());
        }
    }

    @Test
    void aServerWithoutSharedMemoryRefusesItsParametersInsteadOfIgnoringThem() throws Exception {
        InferenceGrpcService service = new InferenceGrpcService(repo, "embedded");
        inference.GrpcService.ModelInferRequest.InferInputTensor in = inference.GrpcService.ModelInferRequest
                .InferInputTensor.newBuilder().setName("X").setDatatype("FP32").addShape(2).addShape(2)
                .putParameters("shared_memory_region", inference.GrpcService.InferParameter.newBuilder()
                        .setStringParam("r").build()).build();
        CompletableFuture<Object> result = new CompletableFuture<>();
        service.modelInfer(inference.GrpcService.ModelInferRequest.newBuilder().setModelName("fixed_matmul")
                .addInputs(in).addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[16])).build(),
                new io.grpc.stub.StreamObserver<>() {
                    public void onNext(inference.GrpcService.ModelInferResponse r) {
                        result.complete(r);
                    }

                    public void onError(Throwable t) {
                        result.complete(t);
                    }

                    public void onCompleted() {
                    }
                });
        io.grpc.StatusRuntimeException e = (io.grpc.StatusRuntimeException) result.get();
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("input 'X': parameter 'shared_memory_region' needs system "
                + "shared memory"), e.getStatus().getDescription());
    }
}
