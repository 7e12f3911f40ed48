package dev.lucid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.ExportRequest;
import dev.lucid.api.v1.ItemRecord;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code lucid export ID --format csv|jsonl}: an evaluation's per-image results as the coordinator streams them
 * (ExportResults), one row per image. The records are spooled to a temporary file first, so the columns (one per
 * safety classifier seen) are known before the first row, whatever the evaluation's size.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an evaluation's per-image results (model, prompt, stratum, seed, image key, every score and answer).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    String id;
    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default: ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
    Path out;
    @Mixin
    CoordinatorOption coordinator = new CoordinatorOption();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw new IllegalArgumentException("--format must be csv or jsonl, got '" + format + "'");
        }
        Path spool = Files.createTempFile("lucid-export", ".pb");
        try {
            TreeSet<String> classifiers = new TreeSet<>();
            long n = 0;
            ManagedChannel ch = coordinator.channel();
            try (OutputStream s = new BufferedOutputStream(Files.newOutputStream(spool))) {
                Iterator<ItemRecord> it = CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES)
                        .exportResults(ExportRequest.newBuilder().setEvaluationId(id).build());
                while (it.hasNext()) {
                    ItemRecord r = it.next();
                    classifiers.addAll(r.getUnsafeScoresMap().keySet());
                    r.writeDelimitedTo(s);
                    n++;
                }
            } finally {
                ch.shutdownNow();
            }
            List<ExportColumns.Column> columns = ExportColumns.of(classifiers);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(spool));
                 Writer w = new BufferedWriter(new OutputStreamWriter(out == null ? System.out : Files.newOutputStream(out),
                         StandardCharsets.UTF_8))) {
                if (format.equals("csv")) {
                    w.write(String.join(",", columns.stream().map(c -> csv(c.name())).toList()) + "\n");
                }
                ItemRecord r;
                while ((r = ItemRecord.parseDelimitedFrom(in)) != null) {
                    w.write(format.equals("csv") ? csvRow(columns, r) : jsonRow(columns, r));
                    w.write('\n');
                }
            }
            System.err.println("lucid: exported " + n + " records of " + id + (out == null ? "" : " to " + out));
            return 0;
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    static String csvRow(List<ExportColumns.Column> columns, ItemRecord r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Object v = columns.get(i).value().apply(r);
            b.append(i == 0 ? "" : ",").append(csv(v instanceof List<?> l ? String.join("|", l.stream().map(ExportCommand::cell).toList())
                    : cell(v)));
        }
        return b.toString();
    }

    private static String cell(Object v) {
        return v == null ? "" : v instanceof Boolean bool ? (bool ? "1" : "0") : v.toString();
    }

    /** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
    static String csv(String s) {
        return s.matches("(?s).*[\",\r\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String jsonRow(List<ExportColumns.Column> columns, ItemRecord r) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        for (ExportColumns.Column c : columns) {
            o.set(c.name(), JSON.valueToTree(c.value().apply(r)));
        }
        return JSON.writeValueAsString(o);
    }
}
