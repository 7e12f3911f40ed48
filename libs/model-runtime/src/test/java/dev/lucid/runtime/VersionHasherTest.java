package dev.lucid.runtime;

import inference.ModelConfigOuterClass.ModelConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content hashes of version directories: they cover external weight files, and the per-file cache (memory
 * and the .lucid-sha256.json sidecar) is used only while a file keeps its size and modification time.
 */
class VersionHasherTest {
    /** Old enough to be cached (older than the racy margin). */
    static final FileTime SETTLED = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

    static Path unet(String variant) {
        return SdTinyExportTest.export().resolve(variant).resolve("unet");
    }

    /** A version directory holding the UNet's model.onnx and model.onnx_data, modified at SETTLED. */
    static Path copyUnet(String variant, Path dir) throws Exception {
        Path version = Files.createDirectories(dir);
        for (String name : List.of("model.onnx", "model.onnx_data")) {
            Files.copy(unet(variant).resolve(name), version.resolve(name));
            Files.setLastModifiedTime(version.resolve(name), SETTLED);
        }
        return version;
    }

    /** The documented formula, computed independently of the cache. */
    static String expected(Path version) throws Exception {
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        all.update("lucid.content.v1\n".getBytes(StandardCharsets.UTF_8));
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(version)) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(p -> files.put(version.relativize(p).toString().replace('\\', '/'), p));
        }
        for (Map.Entry<String, Path> f : files.entrySet()) {
            byte[] bytes = Files.readAllBytes(f.getValue());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            all.update((f.getKey() + "\n" + bytes.length + "\n" + sha + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(all.digest());
    }

    static long size(Path version) throws Exception {
        return Files.size(version.resolve("model.onnx")) + Files.size(version.resolve("model.onnx_data"));
    }

    /** Rewrites one byte of the weights in place: same length, new modification time. */
    static void flipWeightByte(Path version, FileTime mtime) throws Exception {
        Path data = version.resolve("model.onnx_data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);
        Files.setLastModifiedTime(data, mtime);
    }

    @Test
    void sdTinyBaseAndEsdUnetsDifferThoughTheirGraphFilesAreIdentical(@TempDir Path dir) throws Exception {
        Path base = copyUnet("base", dir.resolve("base"));
        Path esd = copyUnet("esd-unet", dir.resolve("esd"));
        assertEquals(-1L, Files.mismatch(base.resolve("model.onnx"), esd.resolve("model.onnx")),
                "the weights live in model.onnx_data only");
        VersionHasher hasher = new VersionHasher();
        String baseHash = hasher.hash(base);
        assertEquals(expected(base), baseHash);
        assertEquals(expected(esd), hasher.hash(esd));
        assertNotEquals(baseHash, hasher.hash(esd));
        assertEquals(64, baseHash.length());
    }

    @Test
    void aChangeInTheExternalDataAloneChangesTheHash(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        VersionHasher hasher = new VersionHasher();
        String before = hasher.hash(version);
        flipWeightByte(version, FileTime.from(SETTLED.toInstant().plusSeconds(60)));
        String after = hasher.hash(version);
        assertNotEquals(before, after);
        assertEquals(expected(version), after);
    }

    @Test
    void theSidecarServesASecondLoadWithoutReadingTheWeights(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        VersionHasher first = new VersionHasher();
        String hash = first.hash(version);
        assertEquals(size(version), first.bytesHashed(), "the first load reads every byte");
        assertTrue(Files.isRegularFile(version.resolve(HashSidecar.FILE_NAME)));
        assertEquals(2, HashSidecar.read(version).size());

        VersionHasher restarted = new VersionHasher(); // an empty in-memory cache, as after a restart
        assertEquals(hash, restarted.hash(version));
        assertEquals(0, restarted.bytesHashed(), "the sidecar's hashes are used");
        assertEquals(hash, first.hash(version));
        assertEquals(size(version), first.bytesHashed(), "the in-memory cache is used");
    }

    @Test
    void aSidecarEntryWhoseSizeOrMtimeDisagreesIsIgnored(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        String truth = new VersionHasher().hash(version);
        String bogus = "0".repeat(64);
        long dataSize = Files.size(version.resolve("model.onnx_data"));
        long mtime = SETTLED.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        Map<String, HashSidecar.Entry> wrong = new TreeMap<>(HashSidecar.read(version));
        wrong.put("model.onnx_data", new HashSidecar.Entry(dataSize, mtime + 1, bogus));
        HashSidecar.write(version, wrong);

        VersionHasher hasher = new VersionHasher();
        assertEquals(truth, hasher.hash(version));
        assertEquals(dataSize, hasher.bytesHashed(), "only the file whose entry disagrees is reread");
        String dataSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(version.resolve("model.onnx_data"))));
        assertEquals(new HashSidecar.Entry(dataSize, mtime, dataSha), HashSidecar.read(version).get("model.onnx_data"),
                "the sidecar is rewritten");

        wrong.put("model.onnx_data", new HashSidecar.Entry(dataSize - 1, mtime, bogus));
        HashSidecar.write(version, wrong);
        VersionHasher again = new VersionHasher();
        assertEquals(truth, again.hash(version));
        assertEquals(dataSize, again.bytesHashed());
    }

    @Test
    void aCorruptSidecarIsIgnoredAndRewritten(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        Files.writeString(version.resolve(HashSidecar.FILE_NAME), "{\"format\": 1, \"files\": {\"model.onnx\": [");
        VersionHasher hasher = new VersionHasher();
        assertEquals(expected(version), hasher.hash(version));
        assertEquals(size(version), hasher.bytesHashed());
        assertEquals(2, HashSidecar.read(version).size());
    }

    @Test
    void recentlyModifiedFilesAreNotCached(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        Files.setLastModifiedTime(version.resolve("model.onnx_data"), FileTime.from(Instant.now()));
        VersionHasher hasher = new VersionHasher();
        String first = hasher.hash(version);
        long data = Files.size(version.resolve("model.onnx_data"));
        assertEquals(List.of("model.onnx"), List.copyOf(HashSidecar.read(version).keySet()));
        // Rewritten within the same timestamp tick, the file would look unchanged to a (size, mtime) cache.
        FileTime same = Files.getLastModifiedTime(version.resolve("model.onnx_data"));
        flipWeightByte(version, same);
        String second = hasher.hash(version);
        assertEquals(size(version) + data, hasher.bytesHashed(), "the recent file is reread, the settled one not");
        assertNotEquals(first, second);
    }

    @Test
    void hiddenFilesAreSkippedAndOtherFilesCount(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        VersionHasher hasher = new VersionHasher();
        String hash = hasher.hash(version);
        Files.writeString(version.resolve(".notes"), "not content");
        assertEquals(hash, hasher.hash(version));
        Files.createDirectories(version.resolve("weights"));
        Files.writeString(version.resolve("weights/extra.bin"), "content");
        String withExtra = hasher.hash(version);
        assertNotEquals(hash, withExtra);
        assertEquals(expected(version), withExtra);
    }

    @Test
    void aReadOnlyDirectoryIsHashedWithoutASidecar(@TempDir Path dir) throws Exception {
        Path version = copyUnet("base", dir);
        assertTrue(version.toFile().setWritable(false, false));
        try {
            Assumptions.assumeFalse(Files.isWritable(version),
                    "skipped: this user (root?) can write a read-only directory");
            VersionHasher hasher = new VersionHasher();
            String hash = hasher.hash(version);
            assertEquals(expected(version), hash);
            assertFalse(Files.exists(version.resolve(HashSidecar.FILE_NAME)));
            assertEquals(hash, hasher.hash(version));
            assertEquals(size(version), hasher.bytesHashed(), "the in-memory cache serves the second hash");
        } finally {
            version.toFile().setWritable(true, false);
        }
    }

    @Test
    void theServedConfigCarriesTheContentHashUnlessItStatesOne(@TempDir Path repoDir) throws Exception {
        Path src = ModelRepositoryTest.testModels().resolve("simple_add");
        for (String name : List.of("computed", "stated", "bad_stated")) {
            Path version = Files.createDirectories(repoDir.resolve(name).resolve("2"));
            Files.copy(src.resolve("2/model.onnx"), version.resolve("model.onnx"));
            Files.setLastModifiedTime(version.resolve("model.onnx"), SETTLED);
            Files.writeString(repoDir.resolve(name).resolve("config.pbtxt"), Files.readString(src.resolve("config.pbtxt"))
                    .replace("simple_add", name));
        }
        String stated = "ab".repeat(32);
        Files.writeString(repoDir.resolve("stated/config.pbtxt"), "parameters { key: \"lucid_content_sha256\" "
                + "value: { string_value: \"" + stated + "\" } }\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(repoDir.resolve("bad_stated/config.pbtxt"), "parameters { key: \"lucid_content_sha256\" "
                + "value: { string_value: \"weights-v2\" } }\n", java.nio.file.StandardOpenOption.APPEND);
        VersionHasher hasher = new VersionHasher();
        try (ModelRepository r = ModelRepository.load(repoDir, 1, 0, hasher)) {
            ModelConfig computed = r.get("computed", "").config();
            String hash = expected(repoDir.resolve("computed/2"));
            assertEquals(hash, computed.getParametersMap().get(VersionHasher.PARAMETER).getStringValue());
            assertEquals(hash, r.get("computed", "").sha256());
            assertEquals(stated, r.get("stated", "").config().getParametersMap().get(VersionHasher.PARAMETER)
                    .getStringValue(), "a stated hash is served as is");
            assertEquals(Files.size(repoDir.resolve("computed/2/model.onnx")), hasher.bytesHashed(),
                    "a stated hash is not computed");
            ModelEntry bad = r.index().stream().filter(e -> e.name().equals("bad_stated")).findFirst().orElseThrow();
            assertEquals(ModelState.UNAVAILABLE, bad.state());
            assertEquals("parameter lucid_content_sha256 must be a sha256 in 64 lowercase hex digits, got 'weights-v2'",
                    bad.reason());
        }
    }
}
