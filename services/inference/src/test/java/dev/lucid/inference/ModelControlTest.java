package dev.lucid.inference;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.KServeException;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Triton's explicit model control: reload with a new fingerprint, in-flight requests, unload, refusals. */
@QuarkusTest
@QuarkusTestResource(TestRepository.class)
class ModelControlTest {
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
    static KServeClient client;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("localhost", 18001).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        client = KServeClient.connect("localhost", 18001,
                ClientOptions.defaults().withDeadline(Duration.ofSeconds(30)).withValidation(false).withMaxAttempts(1));
    }

    @AfterAll
    static void close() {
        client.close();
        channel.shutdownNow();
    }

    static InferenceRequest request() {
        float[] a = new float[16];
        a[0] = 1;
        return InferenceRequest.builder("reloadable").input(Tensor.ofFloats("INPUT0", TensorShape.of(1, 16), a))
                .input(Tensor.ofFloats("INPUT1", TensorShape.of(1, 16), new float[16])).output("OUTPUT0").build();
    }

    static String fingerprint() {
        return client.modelConfig("reloadable").getParametersOrThrow("lucid_content_sha256").getStringValue();
    }

    static void load(String model) {
        stub.repositoryModelLoad(GrpcService.RepositoryModelLoadRequest.newBuilder().setModelName(model).build());
    }

    @Test
    void reloadSwapsVersionsAndInFlightRequestsFinishOnTheOld() throws Exception {
        Path dir = TestRepository.TARGET.resolve("reloadable/2");
        Path v1 = TestRepository.sourceRepository().resolve("simple_add/1/model.onnx"); // adds 1000
        Path v2 = TestRepository.sourceRepository().resolve("simple_add/2/model.onnx");
        Files.copy(v2, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        load("reloadable");
        String before = fingerprint();
        assertEquals(1f, client.infer(request()).output("OUTPUT0").floats()[0]);

        List<CompletableFuture<InferenceResult>> inFlight = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inFlight.add(client.inferAsync(request()));
        }
        Files.copy(v1, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        load("reloadable");
        int old = 0;
        for (CompletableFuture<InferenceResult> f : inFlight) {
            float v = f.get(30, TimeUnit.SECONDS).output("OUTPUT0").floats()[0]; // none fails
            assertTrue(v == 1f || v == 1001f, "old or new version, got " + v);
            old += v == 1f ? 1 : 0;
        }
        System.out.println("reload: " + old + " of 64 requests in flight finished on the old version");
        assertEquals(1001f, client.infer(request()).output("OUTPUT0").floats()[0], "the new version serves");
        String after = fingerprint();
        assertNotEquals(before, after, "the fingerprint follows the files");
        assertEquals(64, after.length());
        long onNew = 64 - old + 1;
        assertEquals(onNew, client.modelStatistics("reloadable").get(0).getInferenceCount(),
                "the reloaded version's statistics start afresh");
        String metrics = RestApiTest.get("/metrics").text();
        assertTrue(metrics.contains("nv_inference_count{model=\"reloadable\",version=\"2\"} " + onNew + ".0"),
                "the metrics follow the reloaded version");
    }

    @Test
    void unloadThenLoadAgain() throws Exception {
        load("reloadable");
        Iterator<HealthCheckResponse> watch = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .watch(HealthCheckRequest.newBuilder().setService("reloadable").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, watch.next().getStatus());
        assertEquals(200, RestApiTest.post("/v2/repository/models/reloadable/unload", "").status());
        assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, watch.next().getStatus());
        assertFalse(client.modelReady("reloadable"));
        GrpcService.RepositoryIndexResponse.ModelIndex entry = client.repositoryIndex().stream()
                .filter(m -> m.getName().equals("reloadable")).findFirst().orElseThrow();
        assertEquals("UNAVAILABLE", entry.getState());
        assertEquals("unloaded", entry.getReason());
        KServeException e = assertThrows(KServeException.class, () -> client.infer(request()));
        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("not ready: unloaded"), e.getMessage());
        assertEquals(200, RestApiTest.post("/v2/repository/models/reloadable/load", "").status());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, watch.next().getStatus());
        assertTrue(client.modelReady("reloadable"));
    }

    static void refused(Runnable call, Status.Code code, String text) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
    }

    @Test
    void refusals() throws Exception {
        refused(() -> load("no_such_model"), Status.Code.INVALID_ARGUMENT,
                "failed to load 'no_such_model': no model directory 'no_such_model'");
        refused(() -> load("../reloadable"), Status.Code.INVALID_ARGUMENT, "not a model directory name");
        refused(() -> load("corrupt_model"), Status.Code.INVALID_ARGUMENT, "failed to load 'corrupt_model': ONNX Runtime");
        refused(() -> stub.repositoryModelLoad(GrpcService.RepositoryModelLoadRequest.newBuilder().setModelName("simple_add")
                .putParameters("config", GrpcService.ModelRepositoryParameter.newBuilder().setStringParam("{}").build())
                .build()), Status.Code.INVALID_ARGUMENT, "parameter 'config' is not supported");
        refused(() -> stub.repositoryModelLoad(GrpcService.RepositoryModelLoadRequest.newBuilder()
                .setModelName("simple_add").setRepositoryName("models").build()), Status.Code.UNIMPLEMENTED,
                "'repository_name' specification is not supported");
        refused(() -> stub.repositoryModelUnload(GrpcService.RepositoryModelUnloadRequest.newBuilder()
                .setModelName("no_such_model").build()), Status.Code.NOT_FOUND, "unknown model");
        RestApiTest.assertError(RestApiTest.post("/v2/repository/models/no_such_model/load", ""), 400,
                "no model directory 'no_such_model'");
    }
}
