package dev.lucid.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The per-file hashes of a version directory kept in {@code <version dir>/.lucid-sha256.json}, so that a
 * restarted server does not rehash gigabytes of weights. Best effort: a missing, stale or corrupt file reads
 * as empty, and a directory that cannot be written keeps no sidecar.
 */
final class HashSidecar {
    /** The sidecar's file name (hidden, so it is not part of the content it describes). */
    static final String FILE_NAME = ".lucid-sha256.json";
    static final int FORMAT = 1;
    /** Bounds the sidecar that is read (about 150 bytes per file, at most {@link VersionHasher#MAX_FILES} files). */
    static final long MAX_BYTES = 4L << 20;

    private static final Logger LOG = Logger.getLogger(HashSidecar.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * One file's hash as recorded, valid while the file keeps this size and modification time.
     *
     * @param size       length in bytes
     * @param mtimeNanos modification time, nanoseconds since the epoch
     * @param sha256     lowercase hex sha256 of the bytes
     */
    record Entry(long size, long mtimeNanos, String sha256) {
    }

    private HashSidecar() {
    }

    /** The entries of the directory's sidecar by relative path; empty when it is absent or unreadable. */
    static Map<String, Entry> read(Path versionDir) {
        Path file = versionDir.resolve(FILE_NAME);
        Map<String, Entry> entries = new TreeMap<>();
        try {
            if (!Files.isRegularFile(file)) {
                return entries;
            }
            if (Files.size(file) > MAX_BYTES) {
                LOG.debugf("ignoring %s: larger than %d bytes", file, MAX_BYTES);
                return entries;
            }
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.path("format").asInt(-1) != FORMAT || !root.path("files").isObject()) {
                LOG.debugf("ignoring %s: not a format %d sidecar", file, FORMAT);
                return entries;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode size = f.getValue().path("size");
                JsonNode mtime = f.getValue().path("mtime_ns");
                String sha = f.getValue().path("sha256").asText("");
                if (!size.canConvertToLong() || !mtime.canConvertToLong() || !SHA256.matcher(sha).matches()) {
                    LOG.debugf("ignoring %s: entry '%s' lacks size, mtime_ns or a sha256", file, f.getKey());
                    return new TreeMap<>();
                }
                entries.put(f.getKey(), new Entry(size.asLong(), mtime.asLong(), sha));
            }
            return entries;
        } catch (IOException e) {
            LOG.debugf("ignoring %s: %s", file, e.getMessage());
            return new TreeMap<>();
        }
    }

    /**
     * Replaces the directory's sidecar with these entries, atomically; when the directory cannot be written
     * (a read-only volume) nothing is kept and the caller's in-memory cache is all there is.
     */
    static void write(Path versionDir, Map<String, Entry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode files = root.putObject("files");
        new TreeMap<>(entries).forEach((path, e) -> files.putObject(path)
                .put("size", e.size()).put("mtime_ns", e.mtimeNanos()).put("sha256", e.sha256()));
        Path tmp = null;
        try {
            // A hidden temporary name: a concurrent hash of the directory skips it.
            tmp = Files.createTempFile(versionDir, FILE_NAME + ".", ".tmp");
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, versionDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debugf("no hash sidecar in %s (%s); hashes are cached in memory only", versionDir, e.getMessage());
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and skipped by hashing
                }
            }
        }
    }
}
