package dev.lucid.coordinator.tenancy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer tokens and the tenants they name, stored hashed: a file (or a mounted Kubernetes secret) of lines
 * {@code TENANT SHA256}, the hex SHA-256 of the token's UTF-8 bytes, {@code #} starting a comment. The tokens
 * themselves are never stored, logged or compared as such.
 */
public final class BearerTokens {
    static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** The largest tokens file read (a few thousand tenants). */
    static final long MAX_FILE_BYTES = 1 << 20;
    private final Map<String, String> tenantByHash;

    private BearerTokens(Map<String, String> tenantByHash) {
        this.tenantByHash = Map.copyOf(tenantByHash);
    }

    /** Reads a tokens file; every bad line is refused naming the file and line. */
    public static BearerTokens load(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static BearerTokens parse(String file, List<String> lines) {
        Map<String, String> byHash = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String[] f = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            if (f.length != 2) {
                throw new IllegalArgumentException(where + "expected 'TENANT SHA256-OF-TOKEN'");
            }
            if (!TENANT.matcher(f[0]).matches()) {
                throw new IllegalArgumentException(where + "tenant '" + f[0] + "' must be 1-63 of a-z, 0-9 and '-'");
            }
            String sha = f[1].toLowerCase(java.util.Locale.ROOT);
            if (!SHA256.matcher(sha).matches()) {
                throw new IllegalArgumentException(where + "the token's SHA-256 must be 64 hex digits (sha256sum of the token)");
            }
            if (byHash.putIfAbsent(sha, f[0]) != null) {
                throw new IllegalArgumentException(where + "the same token is listed twice");
            }
        }
        if (byHash.isEmpty()) {
            throw new IllegalArgumentException(file + ": no tokens (every caller would be refused)");
        }
        return new BearerTokens(byHash);
    }

    /** The tenant a token names, if it is known. */
    public Optional<String> tenantOf(String token) {
        return Optional.ofNullable(tenantByHash.get(hash(token)));
    }

    /** The hex SHA-256 of a token, as the tokens file lists it. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
