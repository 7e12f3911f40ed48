package dev.lucid.evaluation;

import dev.lucid.kserve.TlsFiles;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.util.Optional;

/** Opens the coordinator's Redis client: plain text, or TLS (Redis's {@code tls-port}) with the mesh's files. */
public final class RedisConnection {
    private RedisConnection() {
    }

    /**
     * A pooled client for {@code host:port}.
     *
     * @param tls the CA that Redis's certificate chains to, plus a client certificate when Redis checks them
     *            ({@code tls-auth-clients yes}); empty = plain text
     */
    public static UnifiedJedis open(String host, int port, Optional<TlsFiles> tls) {
        if (tls.isEmpty()) {
            return RedisClient.create(host, port);
        }
        return RedisClient.builder().hostAndPort(host, port)
                .clientConfig(DefaultJedisClientConfig.builder().ssl(true).sslSocketFactory(tls.get().socketFactory()).build())
                .build();
    }
}
