package dev.lucid.report;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.lucid.api.v1.Report;

import java.util.HashSet;
import java.util.Set;

/**
 * The versioned JSON of a report (docs/report-schema.md): the proto3 JSON mapping of {@link Report} with proto
 * field names, every scalar printed (defaults included), map keys sorted, fields in field-number order, and
 * without the {@code json}/{@code rendered} fields themselves.
 */
public final class ReportJson {
    /** Version of the JSON schema this renderer writes; bump on any change that is not a pure addition. */
    public static final int SCHEMA_VERSION = 1;

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .includingDefaultValueFields(fieldsWithoutPresence())
            .sortingMapKeys();
    // Additions keep the schema version, so readers skip fields they do not know.
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ReportJson() {
    }

    /** The report with this renderer's schema version and without the renderings (what the JSON carries). */
    public static Report versioned(Report report) {
        return report.toBuilder().setSchemaVersion(SCHEMA_VERSION).clearJson().clearRendered().build();
    }

    /** The JSON text of the report. */
    public static String print(Report report) {
        try {
            return PRINTER.print(versioned(report)) + "\n";
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields without a type registry fail here, and Report has none.
            throw new IllegalStateException("report cannot be printed as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Every field without presence (scalars, repeated, maps) reachable from Report, except the renderings: these
     * are printed even when they hold their default, so every number is in the JSON.
     */
    private static Set<FieldDescriptor> fieldsWithoutPresence() {
        Set<FieldDescriptor> out = new HashSet<>();
        collect(Report.getDescriptor(), out, new HashSet<>());
        out.remove(Report.getDescriptor().findFieldByNumber(Report.JSON_FIELD_NUMBER));
        out.remove(Report.getDescriptor().findFieldByNumber(Report.RENDERED_FIELD_NUMBER));
        return Set.copyOf(out);
    }

    private static void collect(Descriptor d, Set<FieldDescriptor> out, Set<String> seen) {
        if (!seen.add(d.getFullName())) {
            return;
        }
        for (FieldDescriptor f : d.getFields()) {
            if (!f.hasPresence()) {
                out.add(f);
            }
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                collect(f.getMessageType(), out, seen);
            }
        }
    }

    /** Parses a report JSON; refuses schema versions newer than this renderer knows. */
    public static Report parse(String json) throws InvalidProtocolBufferException {
        Report.Builder b = Report.newBuilder();
        PARSER.merge(json, b);
        if (b.getSchemaVersion() > SCHEMA_VERSION) {
            throw new InvalidProtocolBufferException("report JSON has schema_version " + b.getSchemaVersion()
                    + "; this Lucid reads versions up to " + SCHEMA_VERSION);
        }
        return b.build();
    }
}
