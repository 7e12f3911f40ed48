package dev.lucid.inference;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import inference.GrpcService.InferParameter;
import inference.GrpcService.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Triton's system shared memory over real /dev/shm objects: registration, tensors in regions, every bound. */
@QuarkusTest
@QuarkusTestResource(TestRepository.class)
class SharedMemoryTest {
    static final Path SHM = Path.of("/dev/shm");
    static final String KEY = "/lucid-shm-test-" + ProcessHandle.current().pid();
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("localhost", 18001).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() throws Exception {
        channel.shutdownNow();
        Files.deleteIfExists(SHM.resolve(KEY.substring(1)));
    }

    static Path object(int bytes) throws Exception {
        boolean present = Files.isDirectory(SHM) && Files.isWritable(SHM);
        if (!present) {
            System.out.println("SKIPPED: " + SHM + " is not a writable directory (no POSIX shared memory here)");
        }
        Assumptions.assumeTrue(present, "/dev/shm absent");
        Path p = SHM.resolve(KEY.substring(1));
        if (!Files.exists(p) || Files.size(p) != bytes) {
            Files.write(p, new byte[bytes]);
        }
        return p;
    }

    /** A fresh 4 kB object holding two 64-byte inputs at offsets 0 and 64, with no region registered. */
    static Path inputsAt0And64(byte[] first, byte[] second) throws Exception {
        Path file = object(4096);
        unregisterAll();
        byte[] content = new byte[4096];
        System.arraycopy(first, 0, content, 0, 64);
        System.arraycopy(second, 0, content, 64, 64);
        Files.write(file, content);
        return file;
    }

    static void register(String name, long offset, long size) {
        stub.systemSharedMemoryRegister(GrpcService.SystemSharedMemoryRegisterRequest.newBuilder()
                .setName(name).setKey(KEY).setOffset(offset).setByteSize(size).build());
    }

    static void unregisterAll() {
        stub.systemSharedMemoryUnregister(GrpcService.SystemSharedMemoryUnregisterRequest.getDefaultInstance());
    }

    static Map<String, InferParameter> shm(String region, long offset, long size) {
        return Map.of("shared_memory_region", InferParameter.newBuilder().setStringParam(region).build(),
                "shared_memory_offset", InferParameter.newBuilder().setInt64Param(offset).build(),
                "shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(size).build());
    }

    static ModelInferRequest.InferInputTensor input(String name, Map<String, InferParameter> params) {
        return ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype("FP32").addShape(1)
                .addShape(16).putAllParameters(params).build();
    }

    static ModelInferRequest.InferRequestedOutputTensor output(String name, Map<String, InferParameter> params) {
        return ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name).putAllParameters(params).build();
    }

    static byte[] floats(float start, float step) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            b.putFloat(start + i * step);
        }
        return b.array();
    }

    static StatusRuntimeException refused(Runnable call, Status.Code code, String text) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
        return e;
    }

    @Test
    void inputsAndOutputsInRegions() throws Exception {
        Path file = inputsAt0And64(floats(0, 0.5f), floats(10, -1f));
        register("in", 0, 128);
        register("out", 1024, 256);
        ModelInferRequest r = ModelInferRequest.newBuilder().setModelName("simple_add")
                .addInputs(input("INPUT0", shm("in", 0, 64))).addInputs(input("INPUT1", shm("in", 64, 64)))
                .addOutputs(output("OUTPUT0", shm("out", 0, 64))).addOutputs(output("OUTPUT1", shm("out", 128, 128)))
                .build();
        GrpcService.ModelInferResponse resp = stub.modelInfer(r);
        assertEquals(2, resp.getOutputsCount());
        assertEquals(2, resp.getRawOutputContentsCount());
        assertEquals(0, resp.getRawOutputContents(0).size(), "the data is in the region, not the response");
        assertEquals(64, resp.getOutputs(0).getParametersOrThrow("shared_memory_byte_size").getInt64Param());
        ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            float a = i * 0.5f;
            float b = 10 - i;
            assertEquals(a + b, out.getFloat(1024 + 4 * i), 1e-6, "sum " + i);
            assertEquals(a - b, out.getFloat(1024 + 128 + 4 * i), 1e-6, "diff " + i);
        }

        // One input in a region, the other raw: raw_input_contents holds one entry per input not in a region.
        GrpcService.ModelInferResponse mixed = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("simple_add")
                .addInputs(input("INPUT0", shm("in", 0, 64))).addInputs(input("INPUT1", Map.of()))
                .addRawInputContents(ByteString.copyFrom(floats(1, 0))).addOutputs(output("OUTPUT0", Map.of())).build());
        assertEquals(1.5f, mixed.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                .getFloat(4), 1e-6);

        GrpcService.SystemSharedMemoryStatusResponse status = stub.systemSharedMemoryStatus(
                GrpcService.SystemSharedMemoryStatusRequest.getDefaultInstance());
        assertEquals(2, status.getRegionsCount());
        assertEquals(1024, status.getRegionsOrThrow("out").getOffset());
        assertEquals(256, status.getRegionsOrThrow("out").getByteSize());
        assertEquals(KEY, status.getRegionsOrThrow("out").getKey());
        unregisterAll();
    }

    @Test
    void everyBoundIsChecked() throws Exception {
        object(4096);
        unregisterAll();
        register("r", 0, 256);
        refused(() -> register("r", 0, 16), Status.Code.ALREADY_EXISTS, "shared memory region 'r' already in manager");
        refused(() -> stub.systemSharedMemoryRegister(GrpcService.SystemSharedMemoryRegisterRequest.newBuilder()
                        .setName("x").setKey("/lucid-no-such-object").setByteSize(16).build()),
                Status.Code.INTERNAL, "Unable to open shared memory region: '/lucid-no-such-object'");
        refused(() -> stub.systemSharedMemoryRegister(GrpcService.SystemSharedMemoryRegisterRequest.newBuilder()
                .setName("x").setKey("/../../etc/passwd").setByteSize(16).build()), Status.Code.INVALID_ARGUMENT,
                "shared memory key must be a POSIX shared memory name");
        refused(() -> register("x", 4000, 200), Status.Code.INVALID_ARGUMENT,
                "Invalid offset + byte size for shared memory region: 'x'");
        refused(() -> register("x", 0, 0), Status.Code.INVALID_ARGUMENT, "byte_size in 1..");
        refused(() -> stub.systemSharedMemoryStatus(GrpcService.SystemSharedMemoryStatusRequest.newBuilder()
                .setName("ghost").build()), Status.Code.NOT_FOUND, "Unable to find system shared memory region: 'ghost'");

        ModelInferRequest ok = ModelInferRequest.newBuilder().setModelName("simple_add")
                .addInputs(input("INPUT0", shm("r", 0, 64))).addInputs(input("INPUT1", shm("r", 64, 64))).build();
        stub.modelInfer(ok);
        refused(() -> stub.modelInfer(ok.toBuilder().setInputs(0, input("INPUT0", shm("ghost", 0, 64))).build()),
                Status.Code.NOT_FOUND, "Unable to find shared memory region: 'ghost'");
        refused(() -> stub.modelInfer(ok.toBuilder().setInputs(0, input("INPUT0", shm("r", 240, 64))).build()),
                Status.Code.INVALID_ARGUMENT, "Invalid offset + byte size for shared memory region: 'r'");
        refused(() -> stub.modelInfer(ok.toBuilder().setInputs(0, input("INPUT0", shm("r", 0, 60))).build()),
                Status.Code.INVALID_ARGUMENT, "needs 64 bytes, got 60");
        refused(() -> stub.modelInfer(ok.toBuilder().addOutputs(output("OUTPUT0", shm("r", 128, 32))).build()),
                Status.Code.INVALID_ARGUMENT, "output 'OUTPUT0' (32 bytes) should be at least 64 bytes");
        refused(() -> stub.modelInfer(ok.toBuilder().addOutputs(output("OUTPUT0", shm("r", 128, 64)))
                        .addOutputs(output("OUTPUT1", shm("r", 160, 64))).build()),
                Status.Code.INVALID_ARGUMENT, "outputs overlap in shared memory region 'r'");
        refused(() -> stub.modelInfer(ok.toBuilder().setInputs(0, input("INPUT0", Map.of("shared_memory_region",
                        InferParameter.newBuilder().setStringParam("r").build()))).build()),
                Status.Code.INVALID_ARGUMENT, "need 'shared_memory_byte_size'");
        refused(() -> stub.modelInfer(ok.toBuilder().addOutputs(output("OUTPUT0", Map.of("classification",
                        InferParameter.newBuilder().setInt64Param(3).build()))).build()),
                Status.Code.INVALID_ARGUMENT, "output 'OUTPUT0': parameter 'classification' is not supported");
        refused(() -> stub.modelInfer(ok.toBuilder().putParameters("sequence_id",
                        InferParameter.newBuilder().setInt64Param(3).build()).build()),
                Status.Code.INVALID_ARGUMENT, "request parameter 'sequence_id' is not supported");
        refused(() -> stub.modelInfer(ok.toBuilder().addRawInputContents(ByteString.copyFrom(new byte[64])).build()),
                Status.Code.INVALID_ARGUMENT, "expected 0 raw_input_contents entries (one per input not in shared memory)");

        stub.systemSharedMemoryUnregister(GrpcService.SystemSharedMemoryUnregisterRequest.newBuilder().setName("r").build());
        refused(() -> stub.modelInfer(ok), Status.Code.NOT_FOUND, "Unable to find shared memory region: 'r'");
        stub.systemSharedMemoryUnregister(GrpcService.SystemSharedMemoryUnregisterRequest.newBuilder().setName("r").build());
        refused(() -> stub.cudaSharedMemoryRegister(GrpcService.CudaSharedMemoryRegisterRequest.newBuilder()
                .setName("c").build()), Status.Code.UNIMPLEMENTED, "");
    }

    @Test
    void restEndpointsUseTheSameRegions() throws Exception {
        Path file = inputsAt0And64(floats(1, 1), floats(1, 1));
        assertEquals(200, RestApiTest.post("/v2/systemsharedmemory/region/rest/register",
                "{\"key\": \"" + KEY + "\", \"offset\": 0, \"byte_size\": 512}").status());
        RestApiTest.assertError(RestApiTest.post("/v2/systemsharedmemory/region/rest/register",
                "{\"key\": \"" + KEY + "\", \"byte_size\": 512}"), 400, "already in manager");
        RestApiTest.Reply status = RestApiTest.get("/v2/systemsharedmemory/region/rest/status");
        assertEquals("[{\"name\":\"rest\",\"key\":\"" + KEY + "\",\"offset\":0,\"byte_size\":512}]", status.text());
        RestApiTest.assertError(RestApiTest.get("/v2/systemsharedmemory/region/ghost/status"), 404,
                "Unable to find system shared memory region: 'ghost'");
        RestApiTest.Reply r = RestApiTest.post("/v2/models/simple_add/infer", """
                {"inputs": [
                  {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16],
                   "parameters": {"shared_memory_region": "rest", "shared_memory_byte_size": 64}},
                  {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16],
                   "parameters": {"shared_memory_region": "rest", "shared_memory_offset": 64, "shared_memory_byte_size": 64}}],
                 "outputs": [{"name": "OUTPUT0", "parameters": {"shared_memory_region": "rest",
                   "shared_memory_offset": 256, "shared_memory_byte_size": 64}}]}
                """);
        assertEquals(200, r.status(), r.text());
        assertEquals("rest", r.json().get("outputs").get(0).get("parameters").get("shared_memory_region").asText());
        ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2f, out.getFloat(256), 1e-6);
        assertEquals(32f, out.getFloat(256 + 60), 1e-6);
        assertEquals(200, RestApiTest.post("/v2/systemsharedmemory/region/rest/unregister", "").status());
        assertEquals("[]", RestApiTest.get("/v2/systemsharedmemory/status").text());
        RestApiTest.assertError(RestApiTest.post("/v2/cudasharedmemory/region/c/register", "{}"), 501, "CUDA");
    }

    @Test
    void lucidClientPlacesTensorsInSharedMemory() throws Exception {
        object(4096); // skips visibly without /dev/shm
        unregisterAll();
        dev.lucid.kserve.ClientOptions opts = dev.lucid.kserve.ClientOptions.defaults()
                .withDeadline(java.time.Duration.ofSeconds(20));
        try (dev.lucid.kserve.KServeClient plain = dev.lucid.kserve.KServeClient.connect("localhost", 18001, opts);
             dev.lucid.kserve.KServeClient shared = dev.lucid.kserve.KServeClient.connect("localhost", 18001,
                     opts.withSharedMemory(1 << 20))) {
            java.util.List<java.util.concurrent.CompletableFuture<dev.lucid.kserve.InferenceResult>> futures =
                    new java.util.ArrayList<>();
            java.util.List<float[]> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                dev.lucid.kserve.InferenceRequest r = dev.lucid.kserve.InferenceRequest.builder("simple_add")
                        .input(dev.lucid.kserve.Tensor.ofFloats("INPUT0", dev.lucid.kserve.TensorShape.of(2, 16),
                                new float[32]))
                        .input(dev.lucid.kserve.Tensor.ofFloats("INPUT1", dev.lucid.kserve.TensorShape.of(2, 16),
                                seq(32, i))).build();
                expected.add(plain.infer(r).output("OUTPUT1").floats());
                futures.add(shared.inferAsync(r));
            }
            for (int i = 0; i < 8; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(i),
                        futures.get(i).get().output("OUTPUT1").floats(), "request " + i);
            }
            assertTrue(shared.usesSharedMemory());
            int regions = stub.systemSharedMemoryStatus(GrpcService.SystemSharedMemoryStatusRequest.getDefaultInstance())
                    .getRegionsCount();
            assertTrue(regions >= 1 && regions <= 8, "one region per request in flight, got " + regions);
            // BYTES outputs have no size known in advance: they come back in the response.
            String[] echoed = shared.infer(dev.lucid.kserve.InferenceRequest.builder("string_echo")
                    .input(dev.lucid.kserve.Tensor.ofStrings("TEXT", dev.lucid.kserve.TensorShape.of(1, 1), "abc"))
                    .build()).output("UPPER").strings();
            org.junit.jupiter.api.Assertions.assertArrayEquals(new String[]{"ABC"}, echoed);
        }
        assertEquals(0, stub.systemSharedMemoryStatus(GrpcService.SystemSharedMemoryStatusRequest.getDefaultInstance())
                .getRegionsCount(), "the client unregisters its regions when closed");
    }

    static float[] seq(int n, float start) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i;
        }
        return v;
    }
}
