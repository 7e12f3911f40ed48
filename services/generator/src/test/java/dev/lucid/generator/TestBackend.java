package dev.lucid.generator;

import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/** A real KServe v2 backend for the test: Lucid's inference service over the test models, on a free port. */
public class TestBackend implements QuarkusTestResourceLifecycleManager {
    static Server server;
    static ModelRepository repo;

    @Override
    public Map<String, String> start() {
        try {
            repo = ModelRepository.load(Path.of(System.getProperty("lucid.repo.root", "../.."),
                    "deploy/test-models/repository"), 1);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                    .addService(new InferenceGrpcService(repo, "test-backend")).build().start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("lucid.generator.backend-port", Integer.toString(server.getPort()));
    }

    @Override
    public void stop() {
        server.shutdownNow();
        repo.close();
    }
}
