package dev.lucid.cli;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The {@code --server HOST:PORT} option shared by commands that talk to an inference server. */
final class ServerOption {
    @Option(names = "--server", defaultValue = "127.0.0.1:8001",
            description = "KServe v2 / Triton gRPC address (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--timeout", defaultValue = "30s",
            description = "Deadline per call, e.g. 30s or 500ms (default: ${DEFAULT-VALUE}).")
    String timeout;

    KServeClient connect() {
        HostPort hp = HostPort.parse(server, "--server");
        return KServeClient.connect(hp.host(), hp.port(), ClientOptions.defaults().withDeadline(parseDuration(timeout)),
                ClientTls.files());
    }

    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
        } catch (NumberFormatException ignored) {
            // falls through
        }
        throw new IllegalArgumentException("--timeout must look like 500ms, 30s or 2m, got '" + s + "'");
    }
}
