package dev.lucid.metrics.fid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malformed .npy/.npz files are IOExceptions that name the file, found by NumpyFuzzTest and kept as its inputs. */
class MalformedNumpyTest {
    @TempDir
    Path dir;

    private String refusal(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return assertThrows(IOException.class, () -> FeatureStatisticsFiles.load(f)).getMessage().replace(f.toString(), name);
    }

    private static byte[] npy(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + dataBytes];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0}, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    /** The fuzzer's finding: a zip with a wrong CRC failed with the zip reader's message, which names no file. */
    @Test
    void corruptArchiveNamesTheFile() throws IOException {
        byte[] finding;
        try (InputStream in = getClass().getResourceAsStream("NumpyFuzzTestInputs/featureStatistics/finding-npz-bad-crc")) {
            finding = in.readAllBytes();
        }
        String m = refusal("s.npz", java.util.Arrays.copyOfRange(finding, 1, finding.length));
        assertEquals(true, m.startsWith("s.npz:"), m);
        assertEquals(true, m.contains("corrupt .npz archive: java.util.zip.ZipException: invalid entry CRC"), m);
    }

    /** The second finding: an archive cut short ended in the zip reader's bare EOFException. */
    @Test
    void truncatedArchiveNamesTheFile() throws IOException {
        byte[] finding;
        try (InputStream in = getClass().getResourceAsStream("NumpyFuzzTestInputs/featureStatistics/finding-npz-truncated")) {
            finding = in.readAllBytes();
        }
        String m = refusal("t.npz", java.util.Arrays.copyOfRange(finding, 1, finding.length));
        assertEquals(true, m.startsWith("t.npz") && m.contains("corrupt .npz archive: java.io.EOFException"), m);
    }

    @Test
    void headerProblemsAreNamed() throws IOException {
        assertEquals("f.npy: truncated .npy header", refusal("f.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 4}));
        assertEquals("f.npy: .npy shape has a non-integer dimension 'x'",
                refusal("f.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (x, 2), }\n", 0)));
        // A declared 16384 x 16384 array over 16 bytes of data fails as truncated, without allocating 2 GiB first.
        assertEquals("f.npy: truncated data: expected 268435456 values, file ends after 2",
                refusal("f.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (16384, 16384), }\n", 16)));
    }
}
