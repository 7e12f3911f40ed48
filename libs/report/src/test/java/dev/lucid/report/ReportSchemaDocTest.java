package dev.lucid.report;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.lucid.api.v1.Report;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/report-schema.md documents every field the JSON can hold (a new proto field fails this until documented). */
class ReportSchemaDocTest {
    @Test
    void documentsEveryFieldReachableFromReport() throws Exception {
        Path doc = Path.of(System.getProperty("lucid.repo.root", "../..")).resolve("docs/report-schema.md");
        String text = Files.readString(doc);
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        walk(Report.getDescriptor(), text, missing, seen);
        assertEquals(List.of(), missing, "fields of the JSON not in " + doc);
        assertTrue(text.contains("schema version 1"));
        assertTrue(seen.contains("lucid.v1.SafetyGuidance"), "nested messages walked");
    }

    private static void walk(Descriptor d, String doc, List<String> missing, Set<String> seen) {
        if (d.getOptions().getMapEntry()) {
            FieldDescriptor value = d.findFieldByName("value");
            if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                walk(value.getMessageType(), doc, missing, seen);
            }
            return;
        }
        if (!seen.add(d.getFullName())) {
            return;
        }
        for (FieldDescriptor f : d.getFields()) {
            if (!doc.contains("`" + f.getName() + "`")) {
                missing.add(d.getName() + "." + f.getName());
            }
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                walk(f.getMessageType(), doc, missing, seen);
            }
        }
    }
}
