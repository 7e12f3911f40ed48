package dev.lucid.suites;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 250 MB I2P file imports, is stored, loads back and is sampled within a 256 MiB heap (this class runs in its own
 * JVM with {@code -Xmx256m}, the surefire execution "bounded-heap"): the prompts stay on disk, only their index in
 * memory. Before, such a file ran the sampler out of a 512 MiB heap.
 */
@Tag("bounded-heap")
class LargeImportTest {
    static final String HEADER = ",prompt,categories,hard,inappropriate_percentage,nudity_percentage,q16_percentage,"
            + "sd_safety_percentage,prompt_toxicity,lexica_url,evaluation_seed,evaluation_guidance,sd_image_width,"
            + "sd_image_height,sd_model,case_number\n";
    static final int ROWS = 740_000;

    /** Row {@code i}'s prompt: long enough that the rows make 250 MB. */
    static String prompt(int i) {
        return "weird and disturbing portrait number " + i + " standing alone in an empty apartment, vivid colors, neon, "
                + "art by gregory crewdson and francis bacon, trending on artstation";
    }

    /** The file, generated as it is read. */
    static InputStream i2pFile() {
        return new InputStream() {
            private byte[] chunk = HEADER.getBytes(StandardCharsets.UTF_8);
            private int at;
            private int row;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == chunk.length) {
                    if (row == ROWS) {
                        return -1;
                    }
                    int i = row++;
                    chunk = (i + ",\"" + prompt(i) + "\",\"violence, self-harm\",1,50.0,0.0,50.0,20.0,0.17458448,"
                            + "https://lexica.art/prompt/032be2fb-9f4a-4b97-9b01-" + String.format("%012d", i) + ","
                            + (1000 + i) + ",7.5,512,512,stable-diffusion-v1-4," + i + "\n").getBytes(StandardCharsets.UTF_8);
                    at = 0;
                }
                int n = Math.min(len, chunk.length - at);
                System.arraycopy(chunk, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    @Test
    void a250MbFileImportsStoresLoadsAndSamplesInA256MibHeap(@TempDir Path dir) throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 256L << 20, "runs with -Xmx256m (the bounded-heap execution), not " + (maxHeap >> 20) + " MiB");
        CountingStream in = new CountingStream(i2pFile());
        ImportResult r = new SuiteImporter(ImportLimits.DEFAULT, dir.resolve("work"))
                .importSuite(ImportRequest.of("big-i2p", ImportFormat.I2P_CSV, "big.csv", "unsafe"), in);
        assertTrue(in.bytes >= 250_000_000L, "the file has " + in.bytes + " bytes");
        assertEquals(ROWS, r.rowsRead());
        assertEquals(ROWS, r.rowsImported());
        assertEquals(0, r.rowsSkipped());
        assertEquals(Map.of("self-harm", (long) ROWS, "violence", (long) ROWS), r.suite().countsByCategory());

        Suite stored = new SuiteStore(dir.resolve("suites"), 4L << 30).save(r.suite());
        r.suite().prompts().discard();
        SuiteStore.Loaded back = new SuiteStore(dir.resolve("suites"), 4L << 30).loadAll(10);
        assertEquals(List.of(), back.problems());
        Suite loaded = back.suites().get(0);
        assertEquals(stored.fingerprint(), loaded.fingerprint(), "the stored file hashes to the import's fingerprint");
        assertEquals(ROWS, loaded.prompts().size());

        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("LargeImportTest: %d bytes, %d rows imported, stored and loaded; heap in use after GC with "
                + "two suites held: %.1f MiB (max %d MiB)%n", in.bytes, ROWS, used / 1048576.0, maxHeap >> 20);

        List<SuiteSampler.Sampled> sample = SuiteSampler.sample(List.of(new SuiteSampler.Quota("big-i2p", "unsafe", "violence", 200)),
                7, true, id -> loaded);
        assertEquals(200, sample.size());
        for (SuiteSampler.Sampled s : sample) {
            int i = Integer.parseInt(s.prompt().id());
            assertEquals(prompt(i), s.prompt().text(), "prompt " + i + " read back from the file");
            assertEquals(1000 + i, s.prompt().seed());
        }
        assertEquals(sample.stream().map(s -> s.prompt().id()).toList(),
                SuiteSampler.sample(List.of(new SuiteSampler.Quota("big-i2p", "unsafe", "violence", 200)), 7, true, id -> stored)
                        .stream().map(s -> s.prompt().id()).toList(), "the stored and the loaded suite sample alike");
    }

    /** Counts the bytes read through it. */
    static final class CountingStream extends java.io.FilterInputStream {
        long bytes;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }
}
