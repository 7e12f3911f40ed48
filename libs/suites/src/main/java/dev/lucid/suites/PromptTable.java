package dev.lucid.suites;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.TreeMap;

/**
 * A suite's prompts, kept on disk as canonical lines ({@link SuiteCodec}) with a compact index in memory: each
 * prompt's offset, id, stratum, categories and pair partners, about 50 bytes a prompt. So a suite of a million
 * prompts costs tens of megabytes of heap, not the gigabyte its decoded prompts would; {@link #get} reads one
 * prompt back from the file. The file is never changed once the table is built.
 */
public final class PromptTable extends AbstractList<SuitePrompt> implements RandomAccess {
    private final Path file;
    private final long bodyStart;
    private final Index index;
    private final boolean temporary;
    private FileChannel channel;

    private PromptTable(Path file, long bodyStart, Index index, boolean temporary) {
        this.file = file;
        this.bodyStart = bodyStart;
        this.index = index;
        this.temporary = temporary;
    }

    /** A table of prompts given in memory, written to a temporary file (deleted when the JVM exits). */
    public static PromptTable of(List<SuitePrompt> prompts) {
        try {
            Path f = Files.createTempFile("lucid-prompts-", ".jsonl");
            f.toFile().deleteOnExit();
            try (Writer w = new Writer(f)) {
                for (SuitePrompt p : prompts) {
                    if (!w.add(p)) {
                        throw new IllegalArgumentException("id '" + p.id() + "' repeats an earlier prompt's id");
                    }
                }
                return w.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the prompt lines of a file from {@code bodyStart} to its end, building the index and feeding each line to
     * {@code fingerprint}.
     */
    static PromptTable read(Path file, long bodyStart, SuiteCodec.Fingerprint fingerprint) throws IOException {
        Index index = new Index();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(bodyStart);
            byte[] line = new byte[1024];
            long lineNo = 0;
            while (true) {
                int n = 0;
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    if (n == line.length) {
                        line = Arrays.copyOf(line, n * 2);
                    }
                    line[n++] = (byte) b;
                }
                if (b == -1 && n == 0) {
                    break;
                }
                lineNo++;
                if (b == -1) {
                    throw new IOException("prompt line " + lineNo + " has no end of line (a cut-off file)");
                }
                fingerprint.add(line, n);
                JsonNode node;
                try {
                    node = SuiteCodec.JSON.readTree(line, 0, n);
                } catch (IOException e) {
                    throw new IOException("prompt line " + lineNo + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
                }
                index.append(SuiteCodec.decode(node), n + 1, 0);
            }
        }
        index.close();
        return new PromptTable(file, bodyStart, index, false);
    }

    /** The same prompts in another file that holds the same body from {@code bodyStart} (a stored copy). */
    PromptTable movedTo(Path other, long otherBodyStart) {
        return new PromptTable(other, otherBodyStart, index, false);
    }

    @Override
    public int size() {
        return index.size;
    }

    /** Reads prompt {@code i} back from the file (its source line number kept from the import, 0 once stored). */
    @Override
    public SuitePrompt get(int i) {
        java.util.Objects.checkIndex(i, index.size);
        long from = index.offsets[i];
        int len = (int) (index.offsets[i + 1] - from - 1);
        ByteBuffer buf = ByteBuffer.allocate(len);
        try {
            FileChannel ch = channel();
            while (buf.hasRemaining()) {
                if (ch.read(buf, bodyStart + from + buf.position()) < 0) {
                    throw new IOException(file + " ends inside prompt " + i);
                }
            }
            SuitePrompt p = SuiteCodec.decode(SuiteCodec.JSON.readTree(buf.array(), 0, len));
            long line = index.sourceLines[i];
            return line == 0 ? p : new SuitePrompt(p.id(), p.text(), p.stratum(), p.categories(), p.tags(), p.questions(),
                    p.seed(), p.guidance(), line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt " + i + " of " + file, e);
        }
    }

    /** Prompt {@code i}'s id, from the index. */
    public String id(int i) {
        return new String(index.ids, index.idStarts[i], index.idStarts[i + 1] - index.idStarts[i], StandardCharsets.UTF_8);
    }

    /** Prompt {@code i}'s stratum (empty when it has none), from the index. */
    public String stratum(int i) {
        return index.strata.name(index.stratumCodes[i]);
    }

    /** Whether prompt {@code i} has {@code category}, from the index. */
    public boolean hasCategory(int i, String category) {
        int code = index.categories.code(category);
        if (code < 0) {
            return false;
        }
        for (int j = index.categoryStarts[i]; j < index.categoryStarts[i + 1]; j++) {
            if (index.categoryCodes[j] == code) {
                return true;
            }
        }
        return false;
    }

    /**
     * Prompt {@code i} and the other prompts that may share its pair ({@code pair=} tag), {@code i} first and the
     * rest in table order; just {@code i} for an unpaired prompt. Partners are found by a hash of the pair id, so a
     * caller compares the decoded prompts' pair ids.
     */
    public List<Integer> pairCandidates(int i) {
        List<Integer> out = new ArrayList<>();
        out.add(i);
        if (index.pairNext == null || index.pairNext[i] < 0) {
            return out;
        }
        List<Integer> rest = new ArrayList<>();
        for (int j = index.pairNext[i]; j != i; j = index.pairNext[j]) {
            rest.add(j);
        }
        rest.sort(null);
        out.addAll(rest);
        return out;
    }

    /** Prompts per stratum (unset counted as ""), sorted by name. */
    public Map<String, Long> countsByStratum() {
        long[] counts = new long[index.strata.size()];
        for (int i = 0; i < index.size; i++) {
            counts[index.stratumCodes[i]]++;
        }
        return index.strata.counted(counts);
    }

    /** Prompts per category, sorted by name; a prompt with several categories counts once in each. */
    public Map<String, Long> countsByCategory() {
        long[] counts = new long[index.categories.size()];
        for (int j = 0; j < index.categoryStarts[index.size]; j++) {
            counts[index.categoryCodes[j]]++;
        }
        return index.categories.counted(counts);
    }

    /** Identity: comparing two tables element by element would read both files whole. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "PromptTable[" + index.size + " prompts in " + file + "]";
    }

    /** Bytes of the prompt lines. */
    long bodyBytes() {
        return index.offsets[index.size];
    }

    /** Copies the prompt lines, as they are in the file, to {@code out}. */
    void copyBodyTo(WritableByteChannel out) throws IOException {
        FileChannel ch = channel();
        long done = 0;
        long total = bodyBytes();
        while (done < total) {
            done += ch.transferTo(bodyStart + done, total - done, out);
        }
    }

    /** Closes the file, and deletes it when it is an import's working copy. */
    public synchronized void discard() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (temporary) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        return channel;
    }

    /**
     * Writes prompts to a new file as they are imported, keeping only the index: an import's heap does not grow
     * with the prompts' text.
     */
    public static final class Writer implements Closeable {
        private final Path file;
        private final OutputStream out;
        private final Index index = new Index();
        private final SuiteCodec.Fingerprint fingerprint = new SuiteCodec.Fingerprint();
        private final IdSet ids = new IdSet();
        private boolean finished;

        public Writer(Path file) throws IOException {
            this.file = file;
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        }

        /** Appends a prompt; false (and nothing written) when its id was added before. */
        public boolean add(SuitePrompt p) {
            byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
            if (ids.contains(id, index)) {
                return false;
            }
            byte[] line = SuiteCodec.encode(p).getBytes(StandardCharsets.UTF_8);
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            fingerprint.add(line, line.length);
            index.append(p, line.length + 1, p.line());
            ids.add(index);
            return true;
        }

        /** Prompts added so far. */
        public int size() {
            return index.size;
        }

        /** Ends the file: the table reads from it; {@link PromptTable#discard()} deletes it. */
        public PromptTable finish() throws IOException {
            out.close();
            finished = true;
            index.close();
            return new PromptTable(file, 0, index, true);
        }

        /** The fingerprint of the prompts added (call once, after {@link #finish()}). */
        public String fingerprint() {
            return fingerprint.hex();
        }

        /** Closes the file; deletes it unless {@link #finish()} handed it to a table. */
        @Override
        public void close() throws IOException {
            out.close();
            if (!finished) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The in-memory index: parallel primitive arrays, grown by doubling. */
    private static final class Index {
        int size;
        long[] offsets = new long[17];          // size + 1 entries: where each prompt line starts, relative to the body
        int[] sourceLines = new int[16];      // 0 when unknown
        byte[] ids = new byte[256];
        int[] idStarts = new int[17];
        int[] stratumCodes = new int[16];
        final Names strata = new Names();
        int[] categoryStarts = new int[17];
        int[] categoryCodes = new int[16];
        final Names categories = new Names();
        long[] pairHashes = new long[16];       // 0 when unpaired; dropped by close()
        boolean anyPair;
        int[] pairNext;                          // circular list of each pair's prompts; null when the suite has none

        void append(SuitePrompt p, int lineBytes, long sourceLine) {
            if (size + 1 == offsets.length) {
                int cap = offsets.length * 2;
                offsets = Arrays.copyOf(offsets, cap);
                idStarts = Arrays.copyOf(idStarts, cap);
                categoryStarts = Arrays.copyOf(categoryStarts, cap);
                sourceLines = Arrays.copyOf(sourceLines, cap - 1);
                stratumCodes = Arrays.copyOf(stratumCodes, cap - 1);
                pairHashes = Arrays.copyOf(pairHashes, cap - 1);
            }
            byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
            int idAt = idStarts[size];
            if (idAt + id.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, idAt + id.length));
            }
            System.arraycopy(id, 0, ids, idAt, id.length);
            idStarts[size + 1] = idAt + id.length;
            int catAt = categoryStarts[size];
            if (catAt + p.categories().size() > categoryCodes.length) {
                categoryCodes = Arrays.copyOf(categoryCodes, Math.max(categoryCodes.length * 2, catAt + p.categories().size()));
            }
            for (String c : p.categories()) {
                categoryCodes[catAt++] = categories.codeOrAdd(c);
            }
            categoryStarts[size + 1] = catAt;
            stratumCodes[size] = strata.codeOrAdd(p.stratum());
            sourceLines[size] = (int) Math.min(Integer.MAX_VALUE, sourceLine);
            String pair = PromptPairs.pairOf(p);
            pairHashes[size] = pair.isEmpty() ? 0 : hash64(pair);
            anyPair |= !pair.isEmpty();
            offsets[size + 1] = offsets[size] + lineBytes;
            size++;
        }

        /** Links each pair's prompts (those whose pair ids hash alike) and drops what only building needed. */
        void close() {
            offsets = Arrays.copyOf(offsets, size + 1);
            idStarts = Arrays.copyOf(idStarts, size + 1);
            categoryStarts = Arrays.copyOf(categoryStarts, size + 1);
            sourceLines = Arrays.copyOf(sourceLines, size);
            stratumCodes = Arrays.copyOf(stratumCodes, size);
            ids = Arrays.copyOf(ids, idStarts[size]);
            categoryCodes = Arrays.copyOf(categoryCodes, categoryStarts[size]);
            if (anyPair) {
                Integer[] order = new Integer[size];
                for (int i = 0; i < size; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> pairHashes[a] != pairHashes[b] ? Long.compare(pairHashes[a], pairHashes[b])
                        : Integer.compare(a, b));
                pairNext = new int[size];
                Arrays.fill(pairNext, -1);
                for (int s = 0; s < size; ) {
                    int e = s;
                    while (e + 1 < size && pairHashes[order[e + 1]] == pairHashes[order[s]]) {
                        e++;
                    }
                    if (pairHashes[order[s]] != 0) {
                        for (int k = s; k <= e; k++) {
                            pairNext[order[k]] = order[k == e ? s : k + 1];
                        }
                    }
                    s = e + 1;
                }
            }
            pairHashes = null;
        }

        /** FNV-1a over the characters, never 0 (0 marks an unpaired prompt). */
        static long hash64(String s) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            return h == 0 ? 1 : h;
        }
    }

    /** A dictionary of the few distinct strata or category names, by code. */
    private static final class Names {
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> codes = new HashMap<>();

        int codeOrAdd(String name) {
            return codes.computeIfAbsent(name, n -> {
                names.add(n);
                return names.size() - 1;
            });
        }

        int code(String name) {
            return codes.getOrDefault(name, -1);
        }

        String name(int code) {
            return names.get(code);
        }

        int size() {
            return names.size();
        }

        Map<String, Long> counted(long[] counts) {
            Map<String, Long> m = new TreeMap<>();
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] > 0) {
                    m.put(names.get(c), counts[c]);
                }
            }
            return m;
        }
    }

    /** Ids seen by a writer: an open-addressing table of prompt numbers, compared by their bytes in the index. */
    private static final class IdSet {
        private int[] slots = new int[64];   // prompt number + 1; 0 is empty
        private int used;

        boolean contains(byte[] id, Index index) {
            int mask = slots.length - 1;
            for (int s = hash(id, 0, id.length) & mask; slots[s] != 0; s = (s + 1) & mask) {
                int i = slots[s] - 1;
                int from = index.idStarts[i];
                if (Arrays.equals(index.ids, from, index.idStarts[i + 1], id, 0, id.length)) {
                    return true;
                }
            }
            return false;
        }

        /** Adds the index's last prompt. */
        void add(Index index) {
            if ((used + 1) * 2 > slots.length) {
                int[] old = slots;
                slots = new int[old.length * 2];
                for (int v : old) {
                    if (v != 0) {
                        put(v - 1, index);
                    }
                }
            }
            put(index.size - 1, index);
            used++;
        }

        private void put(int i, Index index) {
            int mask = slots.length - 1;
            int s = hash(index.ids, index.idStarts[i], index.idStarts[i + 1]) & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = i + 1;
        }

        private static int hash(byte[] b, int from, int to) {
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + b[i];
            }
            return h ^ (h >>> 16);
        }
    }
}
