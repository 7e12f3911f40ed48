package dev.lucid.kserve;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Retry, deadline and validation behaviour against a real gRPC server (in-process transport). */
class KServeClientTest {
    private Server server;
    private ManagedChannel channel;

    /** Serves "double": y = 2x for FP32 [-1, 2]; fails the first {@code failures} infers with UNAVAILABLE. */
    private KServeClient start(int failures, long delayMs, ClientOptions opts) throws Exception {
        AtomicInteger remaining = new AtomicInteger(failures);
        String name = "kserve-test-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name).addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
            @Override
            public void modelMetadata(GrpcService.ModelMetadataRequest r, StreamObserver<GrpcService.ModelMetadataResponse> o) {
                o.onNext(GrpcService.ModelMetadataResponse.newBuilder().setName("double")
                        .addInputs(GrpcService.ModelMetadataResponse.TensorMetadata.newBuilder().setName("x")
                                .setDatatype("FP32").addShape(-1).addShape(2))
                        .addOutputs(GrpcService.ModelMetadataResponse.TensorMetadata.newBuilder().setName("y")
                                .setDatatype("FP32").addShape(-1).addShape(2)).build());
                o.onCompleted();
            }

            @Override
            public void modelInfer(GrpcService.ModelInferRequest r, StreamObserver<GrpcService.ModelInferResponse> o) {
                if (remaining.getAndDecrement() > 0) {
                    o.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
                    return;
                }
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Tensor x = TensorCodec.decodeInputs(r).get(0);
                float[] v = x.floats();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= 2;
                }
                GrpcService.ModelInferResponse.Builder b = GrpcService.ModelInferResponse.newBuilder().setModelName("double");
                TensorCodec.addRawOutput(b, Tensor.ofFloats("y", x.shape(), v));
                o.onNext(b.build());
                o.onCompleted();
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        return new KServeClient(channel, opts);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static InferenceRequest req() {
        return InferenceRequest.builder("double").input(Tensor.ofFloats("x", TensorShape.of(1, 2), 1.5f, -2f)).build();
    }

    private static ClientOptions fast() {
        return ClientOptions.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(4));
    }

    @Test
    void retriesUnavailableUntilSuccess() throws Exception {
        KServeClient c = start(2, 0, fast().withMaxAttempts(3));
        assertArrayEquals(new float[]{3f, -4f}, c.infer(req()).output("y").floats());
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        KServeClient c = start(5, 0, fast().withMaxAttempts(3));
        KServeException e = assertThrows(KServeException.class, () -> c.infer(req()));
        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertEquals("UNAVAILABLE: ModelInfer failed: warming up", e.getMessage());
    }

    @Test
    void asyncRetriesToo() throws Exception {
        KServeClient c = start(2, 0, fast().withMaxAttempts(3));
        assertArrayEquals(new float[]{3f, -4f}, c.inferAsync(req()).get().output("y").floats());
        KServeClient failing = start(9, 0, fast().withMaxAttempts(2));
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.inferAsync(req()).get());
        assertInstanceOf(KServeException.class, e.getCause());
    }

    @Test
    void deadlineIsEnforced() throws Exception {
        KServeClient c = start(0, 500, fast().withDeadline(Duration.ofMillis(50)));
        KServeException e = assertThrows(KServeException.class, () -> c.infer(req()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
    }

    @Test
    void badRequestIsCaughtBeforeSending() throws Exception {
        KServeClient c = start(0, 0, fast());
        InferenceRequest bad = InferenceRequest.builder("double").input(Tensor.ofFloats("x", TensorShape.of(1, 3), 1, 2, 3)).build();
        assertEquals("input 'x' of model 'double' has shape [1, 3], expected [-1, 2]",
                assertThrows(TensorFormatException.class, () -> c.infer(bad)).getMessage());
        assertInstanceOf(TensorFormatException.class,
                assertThrows(ExecutionException.class, () -> c.inferAsync(bad).get()).getCause());
    }
}
