package dev.lucid.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A private redis-server for a service's tests, handed over under the property named by {@code property}. */
public class RedisResource implements QuarkusTestResourceLifecycleManager {
    private RedisTestServer server;
    private String property = "lucid.redis-port";

    @Override
    public void init(Map<String, String> initArgs) {
        property = initArgs.getOrDefault("property", property);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = RedisTestServer.start();
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return Map.of(property, Integer.toString(server.port()));
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (Exception ignored) {
            // the process is gone either way
        }
    }
}
