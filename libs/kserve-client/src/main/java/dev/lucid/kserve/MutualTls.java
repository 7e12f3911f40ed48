package dev.lucid.kserve;

import java.util.Optional;

/**
 * Whether servers require client certificates: {@code lucid.tls.client-auth} = {@code NONE} (default) or
 * {@code REQUIRED}, the values Quarkus's gRPC servers take for {@code quarkus.grpc.server.ssl.client-auth}, so one
 * setting drives every Lucid server.
 */
public final class MutualTls {
    /** The setting's name. */
    public static final String SETTING = "lucid.tls.client-auth";

    private MutualTls() {
    }

    /** True for REQUIRED, false for NONE or unset; anything else is refused by name. */
    public static boolean required(Optional<String> value) {
        String v = value.map(String::trim).orElse("NONE");
        return switch (v.toUpperCase(java.util.Locale.ROOT)) {
            case "", "NONE" -> false;
            case "REQUIRED" -> true;
            default -> throw new IllegalArgumentException(SETTING + " must be NONE or REQUIRED, got '" + v + "'");
        };
    }
}
