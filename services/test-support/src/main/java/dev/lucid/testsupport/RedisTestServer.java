package dev.lucid.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A private, real redis-server for tests, on a free loopback port, without persistence unless asked. Tests never
 * depend on a server the machine happens to run. Needs the redis-server binary (Debian: redis-server).
 */
public final class RedisTestServer implements AutoCloseable {
    private Process process;
    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private final List<String> tls;

    private RedisTestServer(Process process, int port, Path dir, boolean appendOnly, List<String> tls) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.tls = tls;
    }

    /** A server without persistence. */
    public static RedisTestServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return start(port, Files.createTempDirectory("lucid-redis"), false, List.of());
    }

    /**
     * A server that speaks only TLS (its {@code tls-port}), with the certificate and key of {@code certDir} as made
     * by {@link TestCertificates}; with {@code authClients} it also requires client certificates chaining to the CA.
     */
    public static RedisTestServer startTls(Path certDir, boolean authClients) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return start(port, Files.createTempDirectory("lucid-redis"), false, List.of(
                "--tls-cert-file", certDir.resolve("mesh.crt").toString(), "--tls-key-file", certDir.resolve("mesh.key").toString(),
                "--tls-ca-cert-file", certDir.resolve("ca.crt").toString(), "--tls-auth-clients", authClients ? "yes" : "no"));
    }

    /** A server with an append-only file synced on every write, as the mesh runs it (data survives a kill -9). */
    public static RedisTestServer startAppendOnly() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return start(port, Files.createTempDirectory("lucid-redis"), true, List.of());
    }

    /**
     * Kills the server (SIGKILL) and starts it again on the same port: with its data when it keeps an append-only
     * file and {@code keepData}, else empty (a restart that lost everything).
     */
    public void restart(boolean keepData) throws IOException, InterruptedException {
        process.destroyForcibly().waitFor();
        if (!keepData) {
            deleteFiles();
        }
        process = start(port, dir, appendOnly, tls).process;
    }

    private static RedisTestServer start(int port, Path dir, boolean appendOnly, List<String> tls)
            throws IOException, InterruptedException {
        String binary = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
        List<String> command = new ArrayList<>(List.of(binary, "--bind", "127.0.0.1", "--save", "",
                "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString()));
        if (tls.isEmpty()) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
            command.addAll(tls);
        }
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start " + binary + " (install Debian's redis-server, or set REDIS_SERVER): "
                    + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new RedisTestServer(p, port, dir, appendOnly, tls);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not listen on " + port + " within 10 s");
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        deleteFiles();
        dir.toFile().delete();
    }

    private void deleteFiles() throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(dir)).map(Path::toFile)
                        .forEach(File::delete);
            }
        }
    }
}
