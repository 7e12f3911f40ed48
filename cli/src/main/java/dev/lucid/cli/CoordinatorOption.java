package dev.lucid.cli;

import io.grpc.ManagedChannel;
import picocli.CommandLine.Option;

/** The {@code --coordinator HOST:PORT} option shared by the commands that talk to the coordinator. */
final class CoordinatorOption {
    @Option(names = "--coordinator", defaultValue = "${env:LUCID_COORDINATOR:-127.0.0.1:9104}",
            description = "Coordinator address (default: ${DEFAULT-VALUE}; or set LUCID_COORDINATOR).")
    String coordinator;

    /** A channel to the coordinator, with the bearer token when one is set ({@link ClientToken}). */
    ManagedChannel channel() {
        return channel(coordinator);
    }

    /** A channel to the coordinator at {@code address} (a {@code --coordinator} value), with the bearer token. */
    static ManagedChannel channel(String address) {
        return HostPort.parse(address, "--coordinator").channel(ClientToken.interceptor().stream()
                .toArray(io.grpc.ClientInterceptor[]::new));
    }
}
