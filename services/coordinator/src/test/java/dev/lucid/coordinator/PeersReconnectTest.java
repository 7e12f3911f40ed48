package dev.lucid.coordinator;

import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.ListSuitesResponse;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.SuiteInfo;
import dev.lucid.kserve.GrpcChannels;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that went away and came back on the same port is reached by the very next call: the coordinator's
 * channels (round robin) retry with backoff and fail calls at once while in TRANSIENT_FAILURE, so
 * {@link Peers#reconnectNow} must leave that state before the call picks a connection. Real gRPC servers on a
 * loopback port, killed and restarted.
 */
class PeersReconnectTest {

    /** A sampler that knows one suite, so a successful call is visible. */
    static final class OneSuite extends PromptSamplerGrpc.PromptSamplerImplBase {
        @Override
        public void listSuites(ListSuitesRequest request, StreamObserver<ListSuitesResponse> out) {
            out.onNext(ListSuitesResponse.newBuilder().addSuites(SuiteInfo.newBuilder().setId("s")).build());
            out.onCompleted();
        }
    }

    static Server start(int port) throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).addService(new OneSuite()).build().start();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitState(ManagedChannel ch, ConnectivityState state, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (ch.getState(false) != state && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(state, ch.getState(false));
    }

    int port;
    Server server;
    ManagedChannel ch;
    PromptSamplerGrpc.PromptSamplerBlockingStub stub;

    @BeforeEach
    void connected() throws Exception {
        port = freePort();
        server = start(port);
        ch = GrpcChannels.open("127.0.0.1", port, 1 << 20, Optional.empty());
        stub = PromptSamplerGrpc.newBlockingStub(ch);
        assertEquals(1, listSuites().getSuitesCount());
    }

    @AfterEach
    void closed() {
        ch.shutdownNow();
        server.shutdownNow();
    }

    ListSuitesResponse listSuites() {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).listSuites(ListSuitesRequest.getDefaultInstance());
    }

    /** Stops the server and waits until the channel, failing to reconnect, backs off. */
    void peerGone() throws Exception {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        awaitState(ch, ConnectivityState.TRANSIENT_FAILURE, 10_000);
    }

    @Test
    void theFirstCallAfterAPeerRestartReachesIt() throws Exception {
        for (int round = 0; round < 5; round++) {
            peerGone();
            server = start(port);
            Peers.reconnectNow(ch);
            assertEquals(1, listSuites().getSuitesCount(), "round " + round);
        }
    }

    @Test
    void aPeerThatStaysDownStillFailsTheCallWithinAboutTheWait() throws Exception {
        peerGone();
        long t0 = System.nanoTime();
        Peers.reconnectNow(ch);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, this::listSuites);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(ms < Peers.RECONNECT_WAIT_MS + 5_000, "failed after " + ms + " ms");
    }
}
