package dev.lucid.evaluation;

import dev.lucid.kserve.GrpcChannels;
import dev.lucid.kserve.MutualTls;
import dev.lucid.kserve.TlsFiles;
import com.google.protobuf.Empty;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import dev.lucid.testsupport.RedisTestServer;
import dev.lucid.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS on the mesh's links with certificates from bin/lucid-certs: the coordinator's Redis client against a real
 * redis-server that speaks only TLS, and Lucid's gRPC channels against a Netty gRPC server with the mesh certificate.
 */
class MeshTlsTest {
    private static final MethodDescriptor.Marshaller<Empty> EMPTY = ProtoUtils.marshaller(Empty.getDefaultInstance());


    @Test
    void mutualTlsNeedsTheCaAndAClientCertificate(@TempDir Path dir) throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: the Redis TLS test is skipped");
        Path certs = TestCertificates.make(dir.resolve("tls"));
        try (RedisTestServer redis = RedisTestServer.startTls(certs, true)) {
            Optional<TlsFiles> mesh = Optional.of(new TlsFiles(certs.resolve("ca.crt"), certs.resolve("mesh.crt"), certs.resolve("mesh.key")));
            try (UnifiedJedis jedis = RedisConnection.open("127.0.0.1", redis.port(), mesh)) {
                jedis.set("lucid:tls-check", "42");
                assertEquals("42", jedis.get("lucid:tls-check"));
            }
            Optional<TlsFiles> caOnly = Optional.of(new TlsFiles(certs.resolve("ca.crt"), null, null));
            try (UnifiedJedis jedis = RedisConnection.open("127.0.0.1", redis.port(), caOnly)) {
                assertThrows(RuntimeException.class, () -> jedis.get("lucid:tls-check"), "no client certificate: refused");
            }
            try (UnifiedJedis jedis = RedisConnection.open("127.0.0.1", redis.port(), Optional.empty())) {
                assertThrows(RuntimeException.class, () -> jedis.get("lucid:tls-check"), "plain text: refused");
            }
        }
    }

    @Test
    void serverOnlyTlsTrustsTheCaAndRefusesAnotherOne(@TempDir Path dir) throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: the Redis TLS test is skipped");
        Path certs = TestCertificates.make(dir.resolve("tls"));
        Path other = TestCertificates.make(dir.resolve("other"));
        try (RedisTestServer redis = RedisTestServer.startTls(certs, false)) {
            try (UnifiedJedis jedis = RedisConnection.open("127.0.0.1", redis.port(),
                    Optional.of(new TlsFiles(certs.resolve("ca.crt"), null, null)))) {
                assertEquals("PONG", jedis.ping());
            }
            try (UnifiedJedis jedis = RedisConnection.open("127.0.0.1", redis.port(),
                    Optional.of(new TlsFiles(other.resolve("ca.crt"), null, null)))) {
                assertThrows(RuntimeException.class, jedis::ping, "a certificate from another CA: not trusted");
            }
        }
    }

    @Test
    void grpcServerWithMutualTlsServesOnlyClientsWithACertificateFromItsCa(@TempDir Path dir) throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: the gRPC TLS test is skipped");
        Path certs = TestCertificates.make(dir.resolve("tls"));
        Path other = TestCertificates.make(dir.resolve("other"));
        TlsFiles serverFiles = new TlsFiles(certs.resolve("ca.crt"), certs.resolve("mesh.crt"), certs.resolve("mesh.key"));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(serverFiles.forGrpcServer(true)).build().start();
        try {
            // No service is registered: a call that got through the handshake is UNIMPLEMENTED, a refused one UNAVAILABLE.
            assertEquals(Status.Code.UNIMPLEMENTED, call(server, Optional.of(
                    new TlsFiles(certs.resolve("ca.crt"), certs.resolve("client.crt"), certs.resolve("client.key")))));
            assertEquals(Status.Code.UNAVAILABLE, call(server, Optional.of(new TlsFiles(certs.resolve("ca.crt"), null, null))),
                    "no client certificate");
            assertEquals(Status.Code.UNAVAILABLE, call(server, Optional.of(
                    new TlsFiles(certs.resolve("ca.crt"), other.resolve("client.crt"), other.resolve("client.key")))),
                    "a client certificate from another CA");
            assertEquals(Status.Code.UNAVAILABLE, call(server, Optional.empty()), "plain text");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class,
                () -> new TlsFiles(null, certs.resolve("mesh.crt"), certs.resolve("mesh.key")).forGrpcServer(true));
        assertEquals("TLS: mutual TLS needs the CA that client certificates chain to (lucid.tls.ca)", noCa.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MutualTls.required(Optional.of("yes")));
        assertTrue(MutualTls.required(Optional.of(" required ")));
    }

    private static Status.Code call(Server server, Optional<TlsFiles> tls) throws InterruptedException {
        ManagedChannel channel = GrpcChannels.open("localhost", server.getPort(), 1 << 20, tls);
        try {
            MethodDescriptor<Empty, Empty> method = MethodDescriptor.<Empty, Empty>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("lucid.Probe/Call")
                    .setRequestMarshaller(EMPTY).setResponseMarshaller(EMPTY).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                    channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Empty.getDefaultInstance()));
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void halfAClientCertificateIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsFiles.of(null, "client.crt", ""));
        assertEquals("TLS: a certificate needs its private key and a key its certificate (got a certificate only)", e.getMessage());
        assertEquals(Optional.empty(), TlsFiles.of(" ", null, ""));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TlsFiles.of("/no/such/ca.crt", null, null));
        assertEquals("TLS: file /no/such/ca.crt does not exist or is not readable", missing.getMessage());
    }
}
