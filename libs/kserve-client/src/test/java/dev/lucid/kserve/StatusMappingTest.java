package dev.lucid.kserve;

import com.google.protobuf.Empty;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared failure → status mapping, and the interceptor that answers calls whose handler throws. */
class StatusMappingTest {
    private static final MethodDescriptor.Marshaller<Empty> EMPTY = ProtoUtils.marshaller(Empty.getDefaultInstance());


    private static Status map(Throwable e) {
        return StatusMapping.toStatus(e, "scoring").getStatus();
    }

    @Test
    void everyKindOfFailureHasOneStatus() {
        assertEquals(Status.Code.INVALID_ARGUMENT, map(new IllegalArgumentException("images[0].png: required")).getCode());
        assertEquals("images[0].png: required", map(new IllegalArgumentException("images[0].png: required")).getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, map(new UnsupportedOperationException("x")).getCode());
        assertEquals(Status.Code.NOT_FOUND, map(Status.NOT_FOUND.withDescription("suite").asRuntimeException()).getCode());
        Status slowPeer = map(Status.DEADLINE_EXCEEDED.withDescription("after 30s").asRuntimeException());
        assertEquals(Status.Code.UNAVAILABLE, slowPeer.getCode());
        assertEquals("a peer did not answer in time: after 30s", slowPeer.getDescription());
        assertEquals(Status.Code.UNAVAILABLE, map(Status.DEADLINE_EXCEEDED.asException()).getCode());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, map(new OutOfMemoryError("Java heap space")).getCode());
        Status bug = map(new NullPointerException("x is null"));
        assertEquals(Status.Code.INTERNAL, bug.getCode());
        assertEquals("scoring failed: NullPointerException: x is null", bug.getDescription());
        assertEquals("scoring failed: StackOverflowError", map(new StackOverflowError()).getDescription());
    }

    @Test
    void backendFailuresAreRetriedOnlyWhenARetryCanHelp() {
        for (Status.Code transient_ : new Status.Code[]{Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
                Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.ABORTED}) {
            Status s = map(new KServeException(transient_, "ModelInfer failed", null));
            assertFalse(StatusMapping.isPermanent(s.getCode()), transient_ + " -> " + s);
            assertTrue(s.getDescription().startsWith("backend: " + transient_ + ": ModelInfer failed"), s.getDescription());
        }
        for (Status.Code refused : new Status.Code[]{Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT,
                Status.Code.FAILED_PRECONDITION, Status.Code.UNIMPLEMENTED, Status.Code.OUT_OF_RANGE}) {
            assertEquals(Status.Code.FAILED_PRECONDITION, map(new KServeException(refused, "no model 'x'", null)).getCode(), refused.name());
        }
        assertTrue(StatusMapping.isPermanent(Status.Code.INVALID_ARGUMENT));
        assertTrue(StatusMapping.isPermanent(Status.Code.NOT_FOUND));
        assertFalse(StatusMapping.isPermanent(Status.Code.UNAVAILABLE));
    }

    @Test
    void aHandlerThatThrowsIsAnsweredNotLeftWaiting() throws Exception {
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, callThrowing(() -> new OutOfMemoryError("Java heap space")).getCode());
        Status bug = callThrowing(() -> new IllegalStateException("broken"));
        assertEquals(Status.Code.INTERNAL, bug.getCode());
        assertEquals("lucid.Probe/Call failed: IllegalStateException: broken", bug.getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, callThrowing(() -> new IllegalArgumentException("spec.name: required")).getCode());
    }

    /** One unary call to an in-process server whose handler throws what {@code failure} makes. */
    private static Status callThrowing(Supplier<Throwable> failure) throws Exception {
        MethodDescriptor<Empty, Empty> method = MethodDescriptor.<Empty, Empty>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("lucid.Probe/Call")
                .setRequestMarshaller(EMPTY).setResponseMarshaller(EMPTY).build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("lucid.Probe")
                .addMethod(method, ServerCalls.asyncUnaryCall((request, out) -> {
                    Throwable t = failure.get();
                    if (t instanceof Error err) {
                        throw err;
                    }
                    throw (RuntimeException) t;
                })).build();
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new UncaughtFailures())).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                    channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Empty.getDefaultInstance()));
            return e.getStatus();
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
