package dev.lucid.cli;

import dev.lucid.kserve.TlsFiles;

import java.util.Optional;

/**
 * The TLS files the CLI's channels use, from {@code --tls-ca}, {@code --tls-cert} and {@code --tls-key} (given before
 * or after the subcommand) or {@code LUCID_TLS_CA}, {@code LUCID_TLS_CERT} and {@code LUCID_TLS_KEY}; none = plain text.
 */
final class ClientTls {
    private static String ca = System.getenv("LUCID_TLS_CA");
    private static String cert = System.getenv("LUCID_TLS_CERT");
    private static String key = System.getenv("LUCID_TLS_KEY");

    private ClientTls() {
    }

    static void ca(String path) {
        ca = path;
    }

    static void cert(String path) {
        cert = path;
    }

    static void key(String path) {
        key = path;
    }

    /** The files in force; a certificate without its key (or a missing file) is refused by name. */
    static Optional<TlsFiles> files() {
        return TlsFiles.of(ca, cert, key);
    }
}
