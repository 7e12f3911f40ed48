package dev.lucid.inference;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.KServeException;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import inference.ModelConfigOuterClass.ModelConfig;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gRPC round trips against the running server with the real ONNX test models. */
@QuarkusTest
@QuarkusTestResource(TestRepository.class)
class InferenceServerTest {
    static KServeClient client;
    static KServeClient unchecked;
    static ManagedChannel raw;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void connect() {
        ClientOptions opts = ClientOptions.defaults().withDeadline(Duration.ofSeconds(20));
        client = KServeClient.connect("localhost", 18001, opts);
        // Sends requests as given, so the server's own validation is what answers.
        unchecked = KServeClient.connect("localhost", 18001, opts.withValidation(false).withMaxAttempts(1));
        raw = NettyChannelBuilder.forAddress("localhost", 18001).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(raw);
    }

    @AfterAll
    static void close() {
        client.close();
        unchecked.close();
        raw.shutdownNow();
    }

    private static float[] seq(int n, float start, float step) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return v;
    }

    @Test
    void healthAndServerMetadata() {
        assertTrue(client.serverLive());
        assertFalse(client.serverReady(), "broken model directories make the server not ready");
        GrpcService.ServerMetadataResponse md = client.serverMetadata();
        assertEquals("lucid-inference", md.getName());
        assertEquals(List.of("model_configuration", "statistics", "binary_tensor_data", "system_shared_memory", "model_repository"),
                md.getExtensionsList(),
                "only what is implemented");
        assertTrue(client.modelReady("simple_add"));
        assertFalse(client.modelReady("corrupt_model"));
        assertFalse(client.modelReady("no_such_model"));
    }

    @Test
    void metadataServesLatestVersionWithBatchDimension() {
        ModelMetadata md = client.modelMetadata("simple_add");
        assertEquals(List.of("2"), md.versions());
        assertEquals("onnxruntime_onnx", md.platform());
        assertEquals(DataType.FP32, md.input("INPUT0").orElseThrow().dataType());
        assertEquals(TensorShape.of(-1, 16), md.input("INPUT0").orElseThrow().shape());
        assertEquals(TensorShape.of(-1, 16), md.output("OUTPUT1").orElseThrow().shape());
    }

    @Test
    void fp32InferenceAddsAndSubtracts() {
        float[] a = seq(32, 0f, 0.5f);
        float[] b = seq(32, 10f, -1f);
        InferenceResult r = client.infer(InferenceRequest.builder("simple_add").id("req-7")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(2, 16), a))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(2, 16), b)).build());
        assertEquals("2", r.version());
        assertEquals("req-7", r.id());
        float[] sum = r.output("OUTPUT0").floats();
        float[] diff = r.output("OUTPUT1").floats();
        assertEquals(TensorShape.of(2, 16), r.output("OUTPUT0").shape());
        for (int i = 0; i < 32; i++) {
            assertEquals(a[i] + b[i], sum[i], 1e-6, "sum " + i);
            assertEquals(a[i] - b[i], diff[i], 1e-6, "diff " + i);
        }
    }

    @Test
    void requestedOutputsOnly() {
        InferenceResult r = client.infer(InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), seq(16, 1, 1)))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), seq(16, 1, 1)))
                .output("OUTPUT1").build());
        assertEquals(List.of("OUTPUT1"), List.copyOf(r.outputs().keySet()));
        assertArrayEquals(new float[16], r.output("OUTPUT1").floats());
    }

    @Test
    void bytesInAndOut() {
        String[] texts = {"hello", "Wörld ünïcode", ""};
        InferenceResult r = client.infer(InferenceRequest.builder("string_echo")
                .input(Tensor.ofStrings("TEXT", TensorShape.of(3, 1), texts)).build());
        assertEquals(DataType.BYTES, r.output("ECHO").dataType());
        assertArrayEquals(texts, r.output("ECHO").strings());
        assertArrayEquals(new String[]{"HELLO", "WÖRLD ÜNÏCODE", ""}, r.output("UPPER").strings());
    }

    @Test
    void uint8ImageOutput() {
        InferenceResult r = client.infer(InferenceRequest.builder("image_u8")
                .input(Tensor.ofFloats("COLOR", TensorShape.of(2, 3), 255f, 128.4f, 0f, 300f, -5f, 7.6f)).build());
        Tensor img = r.output("IMAGE");
        assertEquals(DataType.UINT8, img.dataType());
        assertEquals(TensorShape.of(2, 8, 8, 3), img.shape());
        byte[] px = img.uint8();
        assertEquals(255, px[0] & 0xff);
        assertEquals(128, px[1] & 0xff);
        assertEquals(0, px[2] & 0xff);
        int second = 8 * 8 * 3;
        assertEquals(255, px[second] & 0xff, "clipped to 255");
        assertEquals(0, px[second + 1] & 0xff, "clipped to 0");
        assertEquals(8, px[second + 2] & 0xff, "rounded");
        assertEquals(8, px[px.length - 1] & 0xff);
    }

    @Test
    void integerBoolAndHalfTypes() {
        InferenceResult r = client.infer(InferenceRequest.builder("int_types")
                .input(Tensor.ofInts("IDS", TensorShape.of(1, 4), -3, 0, 5, Integer.MAX_VALUE)).build());
        assertArrayEquals(new long[]{-6, 0, 10, 2L * Integer.MAX_VALUE}, r.output("DOUBLED").longs());
        assertArrayEquals(new boolean[]{false, false, true, true}, r.output("POSITIVE").bools());

        InferenceResult h = client.infer(InferenceRequest.builder("half_scale")
                .input(Tensor.ofHalfs("X", TensorShape.of(1, 4), 1.5f, -0.25f, 1000f, 0f)).build());
        assertEquals(DataType.FP16, h.output("Y").dataType());
        assertArrayEquals(new float[]{3f, -0.5f, 2000f, 0f}, h.output("Y").floats());
    }

    @Test
    void autoCompletedConfigForModelWithoutDeclaredTensors() {
        ModelConfig c = client.modelConfig("fixed_matmul");
        assertEquals(0, c.getMaxBatchSize());
        assertEquals("X", c.getInput(0).getName());
        assertEquals(List.of(2L, 2L), c.getInput(0).getDimsList());
        InferenceResult r = client.infer(InferenceRequest.builder("fixed_matmul")
                .input(Tensor.ofFloats("X", TensorShape.of(2, 2), 1, 0, 0, 1)).build());
        assertArrayEquals(new float[]{1, 2, 3, 4}, r.output("Y").floats());
    }

    @Test
    void typedContentsAreAcceptedAndMixingWithRawIsRefused() {
        GrpcService.InferTensorContents.Builder c = GrpcService.InferTensorContents.newBuilder();
        for (int i = 0; i < 16; i++) {
            c.addFp32Contents(i);
        }
        GrpcService.ModelInferRequest.InferInputTensor in0 = GrpcService.ModelInferRequest.InferInputTensor.newBuilder()
                .setName("INPUT0").setDatatype("FP32").addShape(1).addShape(16).setContents(c).build();
        GrpcService.ModelInferRequest typed = GrpcService.ModelInferRequest.newBuilder().setModelName("simple_add")
                .addInputs(in0).addInputs(in0.toBuilder().setName("INPUT1")).build();
        GrpcService.ModelInferResponse resp = stub.modelInfer(typed);
        assertEquals(2, resp.getRawOutputContentsCount(), "answers come as raw contents, like Triton's");
        InferenceResult r = InferenceResult.fromProto(resp);
        assertEquals(30f, r.output("OUTPUT0").floats()[15]);

        GrpcService.ModelInferRequest mixed = typed.toBuilder()
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[64]))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[64])).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(mixed));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("contents field must not be specified"));
    }

    private static KServeException refused(InferenceRequest r) {
        return assertThrows(KServeException.class, () -> unchecked.infer(r));
    }

    @Test
    void badShapeIsRefusedWithTensorName() {
        KServeException e = refused(InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 8), new float[8]))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("'INPUT0'") && e.getMessage().contains("[-1, 16]")
                && e.getMessage().contains("[1, 8]"), e.getMessage());
    }

    @Test
    void badDatatypeIsRefused() {
        KServeException e = refused(InferenceRequest.builder("simple_add")
                .input(Tensor.ofInts("INPUT0", TensorShape.of(1, 16), new int[16]))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("'INPUT0' data-type is 'INT32'") && e.getMessage().contains("'FP32'"),
                e.getMessage());
    }

    @Test
    void batchLargerThanMaxAndMissingInputAreRefused() {
        KServeException big = refused(InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(9, 16), new float[144]))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(9, 16), new float[144])).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, big.code());
        assertTrue(big.getMessage().contains("batch-size must be <= 8"), big.getMessage());

        KServeException missing = refused(InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), new float[16])).build());
        assertTrue(missing.getMessage().contains("'INPUT1' is required"), missing.getMessage());

        KServeException output = refused(InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), new float[16]))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])).output("OUTPUT9").build());
        assertTrue(output.getMessage().contains("unexpected inference output 'OUTPUT9'"), output.getMessage());
    }

    @Test
    void truncatedRawContentsAreRefused() {
        GrpcService.ModelInferRequest r = GrpcService.ModelInferRequest.newBuilder().setModelName("string_echo")
                .addInputs(GrpcService.ModelInferRequest.InferInputTensor.newBuilder().setName("TEXT")
                        .setDatatype("BYTES").addShape(1).addShape(1))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[]{10, 0, 0, 0, 'a', 'b'}))
                .build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(r));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("declares 10 bytes but only 2 remain"),
                e.getStatus().getDescription());

        GrpcService.ModelInferRequest notUtf8 = r.toBuilder().setRawInputContents(0,
                com.google.protobuf.ByteString.copyFrom(new byte[]{2, 0, 0, 0, (byte) 0xff, (byte) 0xfe})).build();
        StatusRuntimeException e2 = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(notUtf8));
        assertTrue(e2.getStatus().getDescription().contains("not valid UTF-8"), e2.getStatus().getDescription());
    }

    @Test
    void unknownModelAndVersion() {
        KServeException e = assertThrows(KServeException.class, () -> client.modelMetadata("no_such_model"));
        assertEquals(Status.Code.NOT_FOUND, e.code());
        KServeException v = refused(InferenceRequest.builder("simple_add").version("1")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), new float[16]))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])).build());
        assertEquals(Status.Code.NOT_FOUND, v.code());
        assertTrue(v.getMessage().contains("served versions are [2]"), v.getMessage());
    }

    @Test
    void brokenModelDirectoriesAreUnavailableWithReasons() {
        Map<String, GrpcService.RepositoryIndexResponse.ModelIndex> index = client.repositoryIndex().stream()
                .collect(Collectors.toMap(GrpcService.RepositoryIndexResponse.ModelIndex::getName, m -> m));
        assertEquals("READY", index.get("simple_add").getState());
        assertEquals("READY", index.get("conv_stack").getState());
        assertEquals("UNAVAILABLE", index.get("broken_config").getState());
        assertTrue(index.get("broken_config").getReason().startsWith("invalid config.pbtxt"),
                index.get("broken_config").getReason());
        assertTrue(index.get("missing_file").getReason().contains("model file 1/model.onnx not found"),
                index.get("missing_file").getReason());
        assertTrue(index.get("corrupt_model").getReason().startsWith("ONNX Runtime cannot load"),
                index.get("corrupt_model").getReason());
        assertTrue(index.get("wrong_input").getReason().contains("config input 'NOPE' is not an input of the model"),
                index.get("wrong_input").getReason());

        KServeException e = refused(InferenceRequest.builder("corrupt_model")
                .input(Tensor.ofFloats("x", TensorShape.of(1), 1f)).build());
        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("not ready"), e.getMessage());
        // The rest of the server keeps serving.
        assertTrue(client.modelReady("simple_add"));
    }

    @Test
    void dynamicBatchingMergesConcurrentRequestsWithIdenticalResults() throws Exception {
        int n = 16;
        List<float[][]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] a = seq(16, i, 0.25f);
            float[] b = seq(16, -i, 1.5f);
            inputs.add(new float[][]{a, b});
            expected.add(client.infer(request(a, b)).output("OUTPUT0").floats()); // one at a time
        }
        GrpcService.ModelStatistics before = client.modelStatistics("simple_add").get(0);
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (float[][] in : inputs) {
            futures.add(client.inferAsync(request(in[0], in[1])));
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(expected.get(i), futures.get(i).get().output("OUTPUT0").floats(), "request " + i);
        }
        GrpcService.ModelStatistics after = client.modelStatistics("simple_add").get(0);
        long inferences = after.getInferenceCount() - before.getInferenceCount();
        long executions = after.getExecutionCount() - before.getExecutionCount();
        assertEquals(n, inferences);
        assertTrue(executions < inferences, "expected fewer executions than inferences, got " + executions);
        assertTrue(after.getBatchStatsList().stream().anyMatch(s -> s.getBatchSize() > 1));
        assertEquals(after.getInferenceStats().getSuccess().getCount(), after.getInferenceStats().getQueue().getCount());
        // Triton's semantics: compute phases are counted per request, each credited its execution's duration.
        GrpcService.InferStatistics is = after.getInferenceStats();
        assertEquals(is.getSuccess().getCount(), is.getComputeInput().getCount());
        assertEquals(is.getSuccess().getCount(), is.getComputeInfer().getCount());
        assertEquals(is.getSuccess().getCount(), is.getComputeOutput().getCount());
        long batchInferNs = after.getBatchStatsList().stream().mapToLong(s -> s.getComputeInfer().getNs()).sum();
        assertTrue(is.getComputeInfer().getNs() > batchInferNs,
                "merged requests each count the execution: " + is.getComputeInfer().getNs() + " vs " + batchInferNs);
    }

    @Test
    void oneBadRequestInAMergedBatchFailsAlone() throws Exception {
        double isolationsBefore = isolations("token_embedding");
        int n = 32;
        int bad = 13;
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = i == bad ? 99 : i; // the table has 32 rows: 99 makes ONNX Runtime's Gather fail
            futures.add(unchecked.inferAsync(InferenceRequest.builder("token_embedding")
                    .input(Tensor.ofLongs("input_ids", TensorShape.of(1, 4), id, id, 0, 1)).build()));
        }
        int failed = 0;
        for (int i = 0; i < n; i++) {
            try {
                float[] e = futures.get(i).get().output("embeddings").floats();
                assertEquals(i, e[0], "request " + i);
                assertEquals(-i, e[1], "request " + i);
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
                assertEquals(bad, i, "only the bad request fails: " + e.getCause().getMessage());
                assertEquals(Status.Code.INTERNAL, ((KServeException) e.getCause()).code());
            }
        }
        assertEquals(1, failed);
        GrpcService.ModelStatistics s = client.modelStatistics("token_embedding").get(0);
        assertEquals(1, s.getInferenceStats().getFail().getCount());
        // The bad request was merged with others (the failed batch is not in batch_stats: only successes are).
        assertTrue(isolations("token_embedding") > isolationsBefore, "the merged batch was isolated");
        assertTrue(s.getExecutionCount() > 1, "re-run one by one");
    }

    private static double isolations(String model) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String key = "lucid_inference_batch_isolation_count{model=\"" + model + "\",version=\"1\"} ";
        return metrics.lines().filter(l -> l.startsWith(key))
                .mapToDouble(l -> Double.parseDouble(l.substring(key.length()))).findFirst().orElseThrow();
    }

    @Test
    void grpcHealthReflectsServerAndModelReadiness() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(raw);
        assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus(),
                "broken model directories make the server not ready, as ServerReady says");
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("simple_add").build()).getStatus());
        assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("corrupt_model").build()).getStatus());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> health.check(HealthCheckRequest.newBuilder().setService("no_such_model").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        java.util.Iterator<HealthCheckResponse> watch = HealthGrpc.newBlockingStub(raw)
                .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                .watch(HealthCheckRequest.newBuilder().setService("string_echo").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, watch.next().getStatus());
        java.util.Iterator<HealthCheckResponse> unknown = HealthGrpc.newBlockingStub(raw)
                .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                .watch(HealthCheckRequest.newBuilder().setService("no_such_model").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN, unknown.next().getStatus());
    }

    @Test
    void repositoryNameIsRefusedAsTritonDoes() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.repositoryIndex(
                GrpcService.RepositoryIndexRequest.newBuilder().setRepositoryName("models").build()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertEquals("'repository_name' specification is not supported", e.getStatus().getDescription());
    }

    private static InferenceRequest request(float[] a, float[] b) {
        return InferenceRequest.builder("simple_add")
                .input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), a))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), b)).build();
    }

    @Test
    void statisticsCountRequestsAndFailures() {
        long before = client.modelStatistics("int_types").get(0).getInferenceCount();
        for (int i = 0; i < 3; i++) {
            client.infer(InferenceRequest.builder("int_types")
                    .input(Tensor.ofInts("IDS", TensorShape.of(2, 4), new int[8])).build());
        }
        GrpcService.ModelStatistics s = client.modelStatistics("int_types").get(0);
        assertEquals(before + 6, s.getInferenceCount());
        assertTrue(s.getInferenceStats().getComputeInfer().getNs() > 0);
        assertTrue(s.getLastInference() > 0);
        assertEquals(s.getExecutionCount(), s.getBatchStatsList().stream()
                .mapToLong(b -> b.getComputeInfer().getCount()).sum());
        assertTrue(client.modelStatistics("").size() >= 7, "all served models");
    }

    @Test
    void healthEndpointsAndTritonMetrics() {
        client.infer(InferenceRequest.builder("image_u8")
                .input(Tensor.ofFloats("COLOR", TensorShape.of(1, 3), 1, 2, 3)).build());
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(503)
                .body(containsString("corrupt_model")).body(containsString("UNAVAILABLE"));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count",
                "nv_inference_exec_count", "nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                "nv_inference_compute_infer_duration_us")) {
            assertTrue(metrics.contains(name + "{model=\"image_u8\",version=\"1\"}"), name + " missing");
        }
    }

    @Test
    void unimplementedRpcsSayUnimplemented() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.cudaSharedMemoryRegister(GrpcService.CudaSharedMemoryRegisterRequest.newBuilder()
                        .setName("gpu").build()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertEquals("hi", new String("hi".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
