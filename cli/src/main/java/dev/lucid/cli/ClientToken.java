package dev.lucid.cli;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import java.util.Optional;

/**
 * The bearer token the CLI sends to the coordinator, from {@code --token} (before or after the subcommand) or
 * {@code LUCID_TOKEN}; none = no authorization header. Only the coordinator gets it.
 */
final class ClientToken {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static String token = System.getenv("LUCID_TOKEN");

    private ClientToken() {
    }

    static void set(String value) {
        token = value;
    }

    /** An interceptor adding {@code authorization: Bearer TOKEN}, when a token is set; a malformed one is refused. */
    static Optional<ClientInterceptor> interceptor() {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String t = token.trim();
        if (t.length() > 4096 || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("--token: must be at most 4096 printable ASCII characters without spaces");
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + t);
        return Optional.of(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
