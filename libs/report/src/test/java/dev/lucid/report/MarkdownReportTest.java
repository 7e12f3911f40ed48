package dev.lucid.report;

import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkdownReportTest {
    private static String md(Report r) {
        return ReportRenderer.render(r, ReportFormat.REPORT_FORMAT_MARKDOWN);
    }

    private static List<String> lines(String md) {
        return Arrays.asList(md.split("\n", -1));
    }

    @Test
    void leadsWithTheVerdictTable() {
        List<String> l = lines(md(ReportFixtures.realistic()));
        assertEquals("# Lucid report: sd14 alignment audit", l.get(0));
        assertEquals("## Verdicts", l.get(4));
        assertEquals("| model                | overall  | unsafe   | adversarial | benign-simple | benign-compositional | benign-near-concept |", l.get(6));
        assertEquals("|----------------------|----------|----------|-------------|---------------|----------------------|---------------------|", l.get(7));
        assertEquals("| sd14-base (baseline) | baseline | baseline | baseline    | baseline      | baseline             | baseline            |", l.get(8));
        assertEquals("| des                  | ILLUSION | HELD     | HELD        | HELD          | ILLUSION             | INCONCLUSIVE        |", l.get(9));
        assertEquals("| esd-u                | DEGRADED | HELD     | HELD        | DEGRADED      | DEGRADED             | INCONCLUSIVE        |", l.get(10));
        assertEquals("| sld-medium           | HELD     | HELD     | HELD        | HELD          | HELD                 | HELD                |", l.get(11));
        assertTrue(l.contains("- des / benign-compositional: ILLUSION — CLIPScore within 2% of the baseline; TIFA -0.200 [-0.260, -0.140]"));
    }

    @Test
    void showsEveryNumberWithItsCiAndN() {
        String md = md(ReportFixtures.realistic());
        String comp = md.substring(md.indexOf("### benign-compositional (prompts 160, images 640)"));
        List<String> l = lines(comp);
        assertEquals("| metric      | model      |       value [95% CI] |   N |  Δ vs baseline [95% CI] |   N |", l.get(2));
        assertEquals("|-------------|------------|---------------------:|----:|------------------------:|----:|", l.get(3));
        assertTrue(l.contains("| CLIPScore   | sd14-base  | 31.20 [30.80, 31.60] | 640 |                         |     |"), comp);
        assertTrue(l.contains("| CLIPScore   | des        | 30.90 [30.50, 31.30] | 640 |    -0.30 [-0.80, +0.20] | 640 |"), comp);
        assertTrue(l.contains("| TIFA        | des        | 0.563 [0.531, 0.595] | 160 | -0.200 [-0.260, -0.140] | 160 |"), comp);
        assertTrue(l.contains("| TIFA        | sld-medium | 0.753 [0.721, 0.785] | 160 | -0.010 [-0.070, +0.050] | 160 |"), comp);
        assertTrue(md.contains("| FID         | des        |    16.50 [16.10, 17.00] | 800 |    -0.70 [-1.20, -0.20] | 800 |"), md);
        assertTrue(md.contains("| KID         | des        | 0.0133 [0.0111, 0.0157] | 800 |                         |     |"), md);
        assertTrue(md.contains("| unsafe rate, category sexual        | des        | 0.040 [0.010, 0.070] | 400 |                         |     |"), md);
    }

    @Test
    void showsElementTypesCurvesGeometryAndProvenance() {
        String md = md(ReportFixtures.realistic());
        assertTrue(md.contains("""
                ## TIFA per element type

                ### benign-compositional

                | element type |                 sd14-base |                       des |                     esd-u |                sld-medium |
                |--------------|--------------------------:|--------------------------:|--------------------------:|--------------------------:|
                | object       | 0.910 [0.870, 0.950] n=52 | 0.710 [0.670, 0.750] n=52 | 0.790 [0.750, 0.830] n=52 | 0.900 [0.860, 0.940] n=52 |
                | food         | 0.841 [0.801, 0.881] n=62 | 0.581 [0.541, 0.621] n=62 | 0.685 [0.645, 0.725] n=62 | 0.828 [0.788, 0.868] n=62 |
                """), md);
        assertTrue(md.contains("|       0.5 | 0.620 [0.590, 0.650] | 0.040 [0.010, 0.070] | 0.080 [0.050, 0.110] | 0.210 [0.180, 0.240] |"), md);
        assertTrue(md.contains("| des                  | 0.620 [0.580, 0.660] | 200 | 0.410 [0.370, 0.450] | 200 |"), md);
        assertTrue(md.contains("| sd14-base (baseline) |            reference |     |            reference |     |"), md);
        for (String row : List.of("| generation seeds      | 0, 1, 2, 3 ", "| bootstrap             | 1000 resamples over prompts, seed 20260915 ",
                "| equivalence margin    | 0.02 (relative to the baseline's CLIPScore) ", "| unsafe threshold      | 0.5 ",
                "| FID/KID reference     | coco-val-5k ", "| prompt quota          | i2p/unsafe/sexual x100 ")) {
            assertTrue(md.contains(row), row);
        }
        assertTrue(md.contains("| sld-medium           | sd-1.4-sld-medium | 1       | sha256:15f6d9a900 | steps=20 guidance=7.5 sld=medium \"nudity\" |"), md);
        assertTrue(md.contains("| safety | mini-safety | sha256:5afe00 |       0.5 |"), md);
        assertTrue(md.contains("| clip   | mini-clip   | sha256:c11900 |         — |"), md);
        assertTrue(md.endsWith("|         — |\n"), "ends with one newline");
    }

    @Test
    void namesTheItemsGivenUpOnAndSaysTheyAreInNoFigure() {
        String md = md(ReportFixtures.realistic().toBuilder().setFailedItemCount(2)
                .addFailedItems(dev.lucid.api.v1.FailedItem.newBuilder().setItemId("esd|p7|3").setModel("esd").setPromptId("p7")
                        .setSeed(3).setAttempts(60).setError("waiting for generator: UNAVAILABLE: down|out"))
                .build());
        assertTrue(md.contains("""
                ## Items given up on

                2 work items were given up on after their retries and are in no figure (the first 1 below).

                | model | prompt | seed | attempts | last error                                    |
                |-------|--------|-----:|---------:|-----------------------------------------------|
                | esd   | p7     |    3 |       60 | waiting for generator: UNAVAILABLE: down\\|out |
                """), md);
        assertFalse(md(ReportFixtures.realistic()).contains("given up on"), "no section when nothing failed");
    }

    @Test
    void everyTableIsAligned() {
        String md = md(ReportFixtures.realistic());
        String[] blocks = md.split("\n\n");
        int tables = 0;
        for (String block : blocks) {
            if (!block.startsWith("|")) {
                continue;
            }
            tables++;
            List<String> rows = lines(block.strip());
            int width = rows.get(0).codePointCount(0, rows.get(0).length());
            for (String row : rows) {
                assertEquals(width, row.codePointCount(0, row.length()), "misaligned row: " + row);
            }
        }
        assertEquals(1 + 5 + 1 + 2 + 1 + 3, tables, "verdicts, 5 strata, elements, 2 curves, geometry, 3 provenance tables");
    }

    @Test
    void isDeterministic() {
        assertEquals(md(ReportFixtures.realistic()), md(ReportFixtures.realistic()));
    }

    @Test
    void leavesOutAbsentMetrics() {
        String md = md(ReportFixtures.withoutFid());
        assertFalse(md.contains("| FID "), md);
        assertFalse(md.contains("| KID "));
        assertTrue(md.contains("| diversity   | des        | 0.402 [0.388, 0.416] | 200 |"), md);
    }

    @Test
    void saysWhyAModelHasNoGeometry() {
        Report r = ReportFixtures.onlyBaseline();
        Report.Builder b = r.toBuilder();
        b.getModelsBuilder(0).setGeometryUnavailable("no text-encoder embeddings: model 'sd15': its generator entry names no text encoder");
        String md = md(b.build());
        assertFalse(md(r).contains("not available"), "no geometry and no reason: no table");
        assertTrue(md.contains("not available: no text-encoder embeddings: model 'sd15': its generator entry names no text encoder"), md);
    }

    @Test
    void rendersOnlyTheBaseline() {
        String md = md(ReportFixtures.onlyBaseline());
        assertTrue(md.contains("| sd14-base (baseline) | baseline | baseline | baseline    | baseline      | baseline             | baseline            |\n\n## Metrics per stratum"), md);
        assertTrue(md.contains("| TIFA        | sd14-base | 0.763 [0.731, 0.795] | 160 |                        |     |"), md);
    }

    @Test
    void saysWhenAStratumHadNoPrompts() {
        String md = md(ReportFixtures.withEmptyStratum());
        assertTrue(md.contains("### benign-near-concept (prompts 0, images 0)\n\nNo metrics on this stratum.\n"), md);
        assertTrue(md.contains("- des / benign-near-concept: INCONCLUSIVE — no prompts on this stratum\n"), md);
    }

    @Test
    void keepsHostileLabelsInsideTheirCell() {
        String md = md(ReportFixtures.realistic("a|b\nc"));
        assertTrue(md.contains("| a\\|b c               | ILLUSION |"), md);
        assertFalse(md.contains("a|b"));
    }

    @Test
    void printsNaNAndMissingCiPlainly() {
        assertEquals("n/a", EstimateText.withCi(ReportFixtures.est(Double.NaN, 0, 0, 0), 3, false));
        assertEquals("0.700", EstimateText.withCi(ReportFixtures.est(0.7, 0, 0, 10), 3, false), "a CI that does not bracket the value is left out");
        assertEquals("+0.012 [+0.001, +0.020]", EstimateText.withCi(ReportFixtures.est(0.012, 0.001, 0.02, 10), 3, true));
        assertEquals("0.000", EstimateText.signed(-0.0001, 3), "no signed zero");
    }

    @Test
    void namesTheFidFeaturesAndStatisticsAndFlagsFewerImagesThanDimensions() {
        String md = md(ReportFixtures.withFidStatistics());
        String simple = md.substring(md.indexOf("### benign-simple"), md.indexOf("### benign-compositional"));
        assertTrue(simple.contains("| FID vs reference statistics | esd-u       |    17.50 [16.00, 19.50] | 400 |"), simple);
        assertTrue(simple.contains("Note: FID rests on fewer images than feature dimensions (N < 2048) for <b>tiny</b>: the sample covariance is singular"), simple);
        assertTrue(md.matches("(?s).*\\| FID/KID features +\\| inception \\(2048-d\\), fingerprint sha256:1ce900 +\\|.*"), md);
        assertTrue(md.matches("(?s).*\\| FID reference statistics +\\| coco30k, sha256 " + "ab".repeat(32) + " +\\|.*"), md);
        assertFalse(md(ReportFixtures.realistic()).contains("Note: FID rests"));
    }
}
