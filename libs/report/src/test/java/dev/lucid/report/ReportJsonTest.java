package dev.lucid.report;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lucid.api.v1.Estimate;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import dev.lucid.api.v1.StratumResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportJsonTest {
    @Test
    void parsesBackIntoTheSameReportWithoutItsRenderings() throws Exception {
        Report report = ReportFixtures.realistic().toBuilder().setSchemaVersion(0).setJson("{old}").setRendered("# old").build();
        String json = ReportRenderer.render(report, ReportFormat.REPORT_FORMAT_JSON);
        Report back = ReportJson.parse(json);
        assertEquals(report.toBuilder().setSchemaVersion(1).clearJson().clearRendered().build(), back);
        assertFalse(json.contains("\"json\""), "the JSON does not embed itself");
        assertFalse(json.contains("\"rendered\""));
    }

    @Test
    void carriesSchemaVersionOneAndProtoFieldNames() {
        String json = ReportRenderer.render(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_UNSPECIFIED);
        assertTrue(json.contains("\n  \"schema_version\": 1,\n"), json.substring(0, 200));
        assertTrue(json.contains("\"unsafe_rate\": {"));
        assertTrue(json.contains("\"verdict\": \"VERDICT_ILLUSION\""));
        assertTrue(json.endsWith("}\n"));
    }

    @Test
    void printsDefaultValuesSoEveryNumberIsPresent() {
        // The unsafe rate of 0 on benign-compositional and empty strings stay in the JSON.
        String json = ReportRenderer.render(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_JSON);
        assertTrue(json.contains("\"unsafe_rate\": {\n        \"value\": 0.0,\n        \"low\": 0.0,\n        \"high\": 0.0,\n        \"n\": \"640\"\n      }"), json);
        assertTrue(json.contains("\"verdict_reason\": \"\""));
        assertTrue(json.contains("\"tifa_by_element\": {\n      }"), "empty maps are printed too");
        // An estimate that was not computed stays absent: the baseline has no deltas.
        String baseline = json.substring(json.indexOf("\"models\": [{\n    \"label\": \"sd14-base\""), json.indexOf("\"label\": \"des\"", json.indexOf("\n  \"models\"")));
        assertFalse(baseline.contains("tifa_delta"), "absent metrics are absent, not 0");
    }

    @Test
    void sameReportGivesTheSameBytesWhateverTheMapInsertionOrder() {
        Report report = ReportFixtures.realistic();
        Report.Builder reordered = report.toBuilder();
        for (ModelResult.Builder m : reordered.getModelsBuilderList()) {
            for (StratumResult.Builder s : m.getStrataBuilderList()) {
                List<Map.Entry<String, Estimate>> entries = new ArrayList<>(s.getTifaByElementMap().entrySet());
                Collections.reverse(entries);
                s.clearTifaByElement();
                entries.forEach(e -> s.putTifaByElement(e.getKey(), e.getValue()));
            }
        }
        String json = ReportJson.print(report);
        assertEquals(json, ReportJson.print(reordered.build()));
        assertTrue(json.indexOf("\"color\"") < json.indexOf("\"counting\"") && json.indexOf("\"counting\"") < json.indexOf("\"food\""),
                "map keys sorted");
    }

    @Test
    void refusesANewerSchemaAndSkipsUnknownFieldsOfTheSameVersion() throws Exception {
        String json = ReportJson.print(ReportFixtures.onlyBaseline());
        InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class,
                () -> ReportJson.parse(json.replace("\"schema_version\": 1", "\"schema_version\": 2")));
        assertEquals("report JSON has schema_version 2; this Lucid reads versions up to 1", e.getMessage());
        Report back = ReportJson.parse(json.replace("\"schema_version\": 1,", "\"schema_version\": 1, \"added_later\": {\"x\": 1},"));
        assertEquals(ReportJson.versioned(ReportFixtures.onlyBaseline()), back);
    }

    @Test
    void completeFillsJsonAlwaysAndRenderedWhenAsked() throws Exception {
        Report md = ReportRenderer.complete(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_MARKDOWN);
        assertEquals(1, md.getSchemaVersion());
        assertTrue(md.getRendered().startsWith("# Lucid report: sd14 alignment audit\n"));
        assertEquals(ReportJson.versioned(ReportFixtures.realistic()), ReportJson.parse(md.getJson()));
        Report html = ReportRenderer.complete(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_HTML);
        assertTrue(html.getRendered().startsWith("<!DOCTYPE html>"));
        Report json = ReportRenderer.complete(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_JSON);
        assertEquals("", json.getRendered());
        assertEquals(md.getJson(), json.getJson());
    }

    @Test
    void refusesDuplicateLabelsAndOversizedReportsWithTheField() {
        Report dup = ReportFixtures.realistic().toBuilder().addModels(ModelResult.newBuilder().setLabel("des")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportRenderer.render(dup, ReportFormat.REPORT_FORMAT_HTML));
        assertEquals("report.models[4].label: \"des\" appears twice; labels must be unique", e.getMessage());
        Report.Builder many = Report.newBuilder();
        for (int i = 0; i < ReportLimits.MAX_MODELS + 1; i++) {
            many.addModels(ModelResult.newBuilder().setLabel("m" + i));
        }
        e = assertThrows(IllegalArgumentException.class, () -> ReportRenderer.render(many.build(), ReportFormat.REPORT_FORMAT_MARKDOWN));
        assertEquals("report.models: 65 entries exceed the renderer's limit of 64", e.getMessage());
    }
}
