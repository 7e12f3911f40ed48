package dev.lucid.inference;

import dev.lucid.kserve.MutualTls;
import dev.lucid.kserve.NettyTransport;
import dev.lucid.kserve.TlsFiles;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listener of the inference server: a grpc-java Netty server whose handlers run directly
 * on the transport threads. That is safe because ModelInfer only decodes, validates and queues (the
 * model runs on its scheduler's threads), and it saves a thread hand-off per request, which is a
 * measurable share of a request's cost on small CPUs (see the benchmark in the README).
 */
@ApplicationScoped
public class GrpcEndpoint {
    private static final Logger LOG = Logger.getLogger(GrpcEndpoint.class);
    /** HTTP/2 flow-control window: a batch of images arrives without waiting for window updates. */
    static final int FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

    private final InferenceConfig config;
    private final RepositoryHolder holder;
    private final InferenceApi api;
    private Server server;
    private NettyTransport transport;
    private ModelHealth health;

    GrpcEndpoint(InferenceConfig config, RepositoryHolder holder, InferenceApi api) {
        this.config = config;
        this.holder = holder;
        this.api = api;
    }

    void start(@Observes @Priority(10) StartupEvent ev) {
        health = new ModelHealth(holder.repository());
        transport = NettyTransport.choose(config.nativeTransport());
        Optional<TlsFiles> tls = TlsFiles.fromSettings(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class));
        boolean mutual = MutualTls.required(ConfigProvider.getConfig().getOptionalValue(MutualTls.SETTING, String.class));
        try {
            NettyServerBuilder b = transport.configure(NettyServerBuilder.forAddress(
                    new InetSocketAddress(config.grpcHost(), config.grpcPort())));
            if (tls.isPresent()) {
                b.sslContext(tls.get().forGrpcServer(mutual));
            } else if (mutual) {
                throw new IllegalArgumentException(MutualTls.SETTING + " is REQUIRED but no TLS files are set");
            }
            server = b
                    .directExecutor()
                    .maxInboundMessageSize(config.maxMessageBytes())
                    .flowControlWindow(FLOW_CONTROL_WINDOW)
                    .addService(api.service())
                    .addService(health.service())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC on " + config.grpcHost() + ":" + config.grpcPort(), e);
        }
        LOG.infof("KServe v2 / Triton gRPC listening on %s:%d (%s transport, %s)", config.grpcHost(), server.getPort(),
                transport.name().toLowerCase(), tls.isEmpty() ? "plain text" : mutual ? "mutual TLS" : "TLS");
    }

    void stop(@Observes ShutdownEvent ev) {
        if (health != null) {
            health.shutdown();
        }
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
