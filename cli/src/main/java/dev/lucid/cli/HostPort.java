package dev.lucid.cli;

import dev.lucid.kserve.GrpcChannels;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;


/** A HOST:PORT option value. */
record HostPort(String host, int port) {
    static HostPort parse(String value, String option) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, got '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " port must be a number, got '" + value + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + " port must be in 1..65535, got " + port);
        }
        return new HostPort(value.substring(0, colon), port);
    }

    /** A channel to this address, over TLS when the CLI has TLS files ({@link ClientTls}). */
    ManagedChannel channel(ClientInterceptor... interceptors) {
        return GrpcChannels.open(host, port, 256 << 20, ClientTls.files(), interceptors);
    }
}
