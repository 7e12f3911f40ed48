package dev.lucid.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Content hashes of model version directories: sha256 over every regular, non-hidden file (sorted by relative
 * path: the path, the length and the sha256 of the bytes), so weights kept in external data files
 * ({@code model.onnx_data}) count as much as the graph. Per-file hashes are cached by (path, size, mtime) in
 * memory and in the directory's {@link HashSidecar}.
 */
public final class VersionHasher {
    /** The model config parameter that carries a served version's content hash. */
    public static final String PARAMETER = "lucid_content_sha256";
    static final int MAX_FILES = 10_000;
    static final int MAX_DEPTH = 8;
    static final int MAX_MEMORY_ENTRIES = 4096;
    /**
     * A file modified this shortly before hashing may be written again within the file system's timestamp
     * resolution without its mtime changing, so its hash is not cached (as git does for "racy" files).
     */
    static final Duration RACY_MARGIN = Duration.ofSeconds(2);
    /** The process-wide hasher that repositories use, so reloads reuse the in-memory cache. */
    static final VersionHasher SHARED = new VersionHasher();

    private static final int BUFFER = 1 << 20;

    private final Map<FileStamp, String> memory = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FileStamp, String> eldest) {
            return size() > MAX_MEMORY_ENTRIES;
        }
    };
    private final AtomicLong bytesHashed = new AtomicLong();

    /** A file's identity for the cache: where it is, how long and when last modified. */
    private record FileStamp(Path path, long size, long mtimeNanos) {
    }

    VersionHasher() {
    }

    /**
     * The content hash of a version directory (lowercase hex).
     *
     * @throws ModelLoadException when the directory cannot be listed or a file read, or it holds too many files
     */
    String hash(Path versionDir) throws ModelLoadException {
        Instant started = Instant.now();
        Map<String, Path> files = files(versionDir);
        Map<String, HashSidecar.Entry> recorded = HashSidecar.read(versionDir);
        Map<String, HashSidecar.Entry> settled = new TreeMap<>();
        MessageDigest version = sha256();
        version.update("lucid.content.v1\n".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Path> f : files.entrySet()) {
            FileStamp stamp = stamp(f.getValue());
            boolean cacheable = stamp.mtimeNanos() < nanos(started.minus(RACY_MARGIN));
            String sha = cacheable ? cached(stamp, recorded.get(f.getKey())) : null;
            if (sha == null) {
                sha = hashFile(f.getValue());
                // A file that changed while it was read has no trustworthy hash to keep.
                cacheable &= stamp.equals(stamp(f.getValue()));
            }
            if (cacheable) {
                synchronized (memory) {
                    memory.put(stamp, sha);
                }
                settled.put(f.getKey(), new HashSidecar.Entry(stamp.size(), stamp.mtimeNanos(), sha));
            }
            version.update((f.getKey() + "\n" + stamp.size() + "\n" + sha + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!settled.equals(recorded)) {
            HashSidecar.write(versionDir, settled);
        }
        return HexFormat.of().formatHex(version.digest());
    }

    /** Bytes read for hashing so far (cache hits read none); for tests. */
    long bytesHashed() {
        return bytesHashed.get();
    }

    private String cached(FileStamp stamp, HashSidecar.Entry recorded) {
        synchronized (memory) {
            String sha = memory.get(stamp);
            if (sha != null) {
                return sha;
            }
        }
        if (recorded != null && recorded.size() == stamp.size() && recorded.mtimeNanos() == stamp.mtimeNanos()) {
            return recorded.sha256();
        }
        return null;
    }

    /** Regular, non-hidden files under the directory (links followed) by '/'-separated relative path. */
    private static Map<String, Path> files(Path dir) throws ModelLoadException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path rel = dir.relativize(p);
                if (rel.toString().isEmpty() || hidden(rel) || !Files.isRegularFile(p)) {
                    continue;
                }
                if (files.size() == MAX_FILES) {
                    throw new ModelLoadException("version directory " + dir + " holds more than " + MAX_FILES + " files");
                }
                List<String> names = new ArrayList<>();
                rel.forEach(n -> names.add(n.toString()));
                files.put(String.join("/", names), p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ModelLoadException("cannot list version directory " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static boolean hidden(Path rel) {
        for (Path n : rel) {
            if (n.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static FileStamp stamp(Path file) throws ModelLoadException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(file.toAbsolutePath().normalize(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the attributes of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Streams the file through sha256 (weights may be gigabytes). */
    private String hashFile(Path file) throws ModelLoadException {
        MessageDigest md = sha256();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                bytesHashed.addAndGet(n);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot hash " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
