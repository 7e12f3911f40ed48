package dev.lucid.suites;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Imported suites on disk, one file per suite ({@code <dir>/<suite-id>.suite.jsonl}): a header line (id, source,
 * license, description, format, fingerprint, row counts), then each prompt's canonical line. Files are written to a
 * temporary name and moved into place, so a crash never leaves half a suite; on reading, the prompts must hash to
 * the header's fingerprint. A loaded suite keeps only an index of its prompts in memory ({@link PromptTable}).
 */
public final class SuiteStore {
    static final String SUFFIX = ".suite.jsonl";
    private static final int MAX_HEADER_BYTES = 1 << 20;

    /** A file that could not be read back, and why. */
    public record Problem(Path file, String reason) {
    }

    /** Suites read back, and files that were refused. */
    public record Loaded(List<Suite> suites, List<Problem> problems) {
    }

    private final Path dir;
    private final long maxFileBytes;

    public SuiteStore(Path dir, long maxFileBytes) throws IOException {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        Files.createDirectories(dir);
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /**
     * Writes a suite (replacing a file of the same id), flushed to the disk before it takes the name, and returns the
     * suite reading its prompts from the stored file.
     */
    public Suite save(Suite s) throws IOException {
        Path tmp = dir.resolve("." + s.id() + SUFFIX + ".tmp");
        ObjectNode h = SuiteCodec.JSON.createObjectNode();
        h.put("lucid_suite", 1);
        h.put("id", s.id());
        h.put("source", s.source());
        h.put("license", s.license());
        h.put("description", s.description());
        h.put("format", s.format());
        h.put("fingerprint", s.fingerprint());
        h.put("rows_read", s.rowsRead());
        h.put("rows_skipped", s.rowsSkipped());
        byte[] header = (SuiteCodec.JSON.writeValueAsString(h) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer hb = ByteBuffer.wrap(header);
            while (hb.hasRemaining()) {
                out.write(hb);
            }
            s.prompts().copyBodyTo(out);
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Path target = dir.resolve(s.id() + SUFFIX);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Suite(s.id(), s.source(), s.license(), s.description(), s.format(), s.fingerprint(),
                s.prompts().movedTo(target, header.length), s.rowsRead(), s.rowsSkipped());
    }

    /** Reads every stored suite, in file-name order; unreadable files are reported, not loaded. */
    public Loaded loadAll(int maxSuites) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        List<Suite> suites = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path f : files) {
            if (suites.size() >= maxSuites) {
                problems.add(new Problem(f, "more than " + maxSuites + " suites stored"));
                continue;
            }
            try {
                suites.add(read(f));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(f, e.getMessage()));
            }
        }
        return new Loaded(suites, problems);
    }

    Suite read(Path f) throws IOException {
        if (Files.size(f) > maxFileBytes) {
            throw new IOException("larger than " + maxFileBytes + " bytes");
        }
        JsonNode h;
        long bodyStart;
        try (InputStream in = Files.newInputStream(f)) {
            byte[] first = in.readNBytes(MAX_HEADER_BYTES);
            int end = 0;
            while (end < first.length && first[end] != '\n') {
                end++;
            }
            if (first.length == 0) {
                throw new IOException("empty file");
            }
            if (end == first.length) {
                throw new IOException("no header line within " + MAX_HEADER_BYTES + " bytes");
            }
            h = SuiteCodec.JSON.readTree(first, 0, end);
            bodyStart = end + 1;
        }
        if (h.path("lucid_suite").asInt() != 1) {
            throw new IOException("not a Lucid suite file (version " + h.path("lucid_suite") + ")");
        }
        String id = h.path("id").asText();
        if (!f.getFileName().toString().equals(id + SUFFIX)) {
            throw new IOException("file name does not match suite id '" + id + "'");
        }
        SuiteCodec.Fingerprint fp = new SuiteCodec.Fingerprint();
        PromptTable prompts = PromptTable.read(f, bodyStart, fp);
        String got = fp.hex();
        String want = h.path("fingerprint").asText();
        if (!got.equals(want)) {
            throw new IOException("content hashes to " + got + ", header says " + want);
        }
        return new Suite(id, h.path("source").asText(), h.path("license").asText(), h.path("description").asText(),
                h.path("format").asText(), want, prompts, h.path("rows_read").asLong(), h.path("rows_skipped").asLong());
    }
}
