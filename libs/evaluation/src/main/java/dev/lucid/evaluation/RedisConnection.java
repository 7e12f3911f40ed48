package dev.lucid.evaluation;

import dev.lucid.kserve.TlsFiles;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.util.Optional;

/** Opens the coordinator's Redis client: plain text, or TLS (Redis's {@code tls-port}) with the mesh's files. */
public final class RedisConnection {
    private RedisConnection() {
    }

    /** Connections besides the workers' (API calls, watch streams, the sweeper, claim renewal). */
    static final int SHARED_CONNECTIONS = 8;

    /** A pooled client for {@code host:port} with connections for {@link #SHARED_CONNECTIONS} callers and no workers. */
    public static UnifiedJedis open(String host, int port, Optional<TlsFiles> tls) {
        return open(host, port, tls, 0);
    }

    /**
     * A pooled client for {@code host:port}.
     *
     * @param tls     the CA that Redis's certificate chains to, plus a client certificate when Redis checks them
     *                ({@code tls-auth-clients yes}); empty = plain text
     * @param workers worker threads, each of which may hold a connection for a whole blocking read of the work
     *                stream: the pool has that many connections more than {@link #SHARED_CONNECTIONS}, so that reads
     *                of reports and progress never wait for a worker's read to time out
     */
    public static UnifiedJedis open(String host, int port, Optional<TlsFiles> tls, int workers) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(SHARED_CONNECTIONS + workers);
        pool.setMaxIdle(SHARED_CONNECTIONS + workers);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder();
        tls.ifPresent(t -> client.ssl(true).sslSocketFactory(t.socketFactory()));
        return RedisClient.builder().hostAndPort(host, port).clientConfig(client.build()).poolConfig(pool).build();
    }
}
