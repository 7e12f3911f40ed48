package dev.lucid.metrics.fid;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes the {@code .npy}/{@code .npz} readers through {@link FeatureStatisticsFiles#load}: the first byte picks
 * the file kind, the rest is the file. Every malformed file must be an {@link IOException} naming the file.
 */
class NumpyFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("lucid-npy-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void featureStatistics(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        Path file = DIR.resolve((data[0] & 1) == 0 ? "f.npy" : "f.npz");
        Files.write(file, Arrays.copyOfRange(data, 1, data.length));
        try {
            FeatureStatisticsFiles.load(file);
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                throw new AssertionError("a refusal that does not name the file", e);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
