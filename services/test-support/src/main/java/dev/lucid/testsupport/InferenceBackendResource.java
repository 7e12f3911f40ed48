package dev.lucid.testsupport;

import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real KServe v2 backend for a service's tests: Lucid's inference service over deploy/test-models
 * on a free loopback port, handed to the service under the config property named by the
 * {@code property} argument.
 */
public class InferenceBackendResource implements QuarkusTestResourceLifecycleManager {
    private Server server;
    private ModelRepository repo;
    private String property = "lucid.backend-port";

    @Override
    public void init(Map<String, String> initArgs) {
        property = initArgs.getOrDefault("property", property);
    }

    @Override
    public Map<String, String> start() {
        try {
            repo = ModelRepository.load(Path.of(System.getProperty("lucid.repo.root", "../.."),
                    "deploy/test-models/repository"), 1);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                    .addService(new InferenceGrpcService(repo, "test-backend")).build().start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test backend", e);
        }
        return Map.of(property, Integer.toString(server.getPort()));
    }

    @Override
    public void stop() {
        server.shutdownNow();
        repo.close();
    }
}
