package dev.lucid.report;

import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    static final List<String> REALISTIC_CHARTS = List.of(
            "safety-utility-tifa-benign-simple", "safety-utility-tifa-benign-compositional", "safety-utility-tifa-benign-near-concept",
            "safety-utility-clip-benign-simple", "safety-utility-clip-benign-compositional", "safety-utility-clip-benign-near-concept",
            "utility-delta-benign-simple", "utility-delta-benign-compositional", "utility-delta-benign-near-concept",
            "tifa-elements-benign-compositional", "unsafe-curve-unsafe", "unsafe-curve-adversarial",
            "geometry-spread", "geometry-jaccard");
    private static final Pattern SVG = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL);
    private static final Pattern SVG_ID = Pattern.compile("<svg [^>]*id=\"([^\"]+)\" class=\"([^\"]+)\"");

    static String html(Report r) {
        return ReportRenderer.render(r, ReportFormat.REPORT_FORMAT_HTML);
    }

    /** Each svg's id and class, in page order. */
    static List<String[]> charts(String html) {
        List<String[]> out = new ArrayList<>();
        Matcher m = SVG_ID.matcher(html);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    @Test
    void hasTheChartsInOrderAfterTheVerdictTable() {
        String html = html(ReportFixtures.realistic());
        assertEquals(REALISTIC_CHARTS, charts(html).stream().map(c -> c[0]).toList());
        assertTrue(charts(html).stream().noneMatch(c -> c[1].contains("empty")));
        List<String> sections = List.of("verdicts", "safety-utility", "coarse-vs-structured", "tifa-elements", "unsafe-curves",
                "geometry", "numbers", "provenance");
        int last = -1;
        for (String s : sections) {
            int at = html.indexOf("<section id=\"" + s + "\">");
            assertTrue(at > last, s + " in order");
            last = at;
        }
        assertTrue(html.indexOf("table-verdicts") < html.indexOf("<svg"), "the verdict table comes before any chart");
    }

    @Test
    void coloursVerdictCellsAndGivesTheirReason() {
        String html = html(ReportFixtures.realistic());
        assertTrue(html.contains("<tr><td>des</td><td class=\"verdict-illusion\">ILLUSION</td><td class=\"verdict-held\" "
                + "title=\"safety stratum: utility not judged\">HELD</td>"), html.substring(html.indexOf("table-verdicts"), html.indexOf("table-verdicts") + 2000));
        assertTrue(html.contains("<td class=\"verdict-illusion\" title=\"CLIPScore within 2% of the baseline; TIFA -0.200 [-0.260, -0.140]\">ILLUSION</td>"));
        assertTrue(html.contains(".verdict-illusion{background:#c0392b;color:#fff;font-weight:600}"));
    }

    @Test
    void everySvgIsWellFormedWithATitleAndEveryIdIsUnique() throws Exception {
        for (Report r : List.of(ReportFixtures.realistic(), ReportFixtures.onlyBaseline(), ReportFixtures.withEmptyStratum(),
                ReportFixtures.withoutFid(), ReportFixtures.realistic(ReportFixtures.HOSTILE))) {
            String html = html(r);
            Matcher m = SVG.matcher(html);
            int count = 0;
            while (m.find()) {
                count++;
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8)));
                assertEquals("title", doc.getDocumentElement().getElementsByTagName("*").item(0).getNodeName(), "title first");
                assertFalse(doc.getDocumentElement().getElementsByTagName("title").item(0).getTextContent().isBlank());
            }
            assertTrue(count > 0);
            Set<String> ids = new HashSet<>();
            Matcher id = Pattern.compile(" id=\"([^\"]+)\"").matcher(html);
            while (id.find()) {
                assertTrue(ids.add(id.group(1)), "duplicate id " + id.group(1));
            }
        }
    }

    @Test
    void isSelfContained() {
        String html = html(ReportFixtures.realistic());
        for (String external : List.of("<script", "<link", "<img", "<iframe", " src=", " href=", "url(", "@import")) {
            assertFalse(html.contains(external), external);
        }
        assertEquals(html.split("http", -1).length - 1, html.split("xmlns=\"http://www.w3.org/2000/svg\"", -1).length - 1,
                "the only URLs are the SVG namespace");
    }

    @Test
    void escapesHostileLabelsEverywhere() {
        String html = html(ReportFixtures.realistic(ReportFixtures.HOSTILE));
        assertFalse(html.contains("<script"), "no live script");
        assertFalse(html.contains("alert(1)</"), "no raw closing tag after the payload");
        assertTrue(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"verdict-illusion\">ILLUSION</td>"));
        assertTrue(html.contains("class=\"point-label\" x="), "labels are drawn in charts too");
        assertTrue(html.split("&lt;script&gt;alert\\(1\\)&lt;/script&gt;", -1).length > 20, "escaped in tables, charts and tooltips");
    }

    @Test
    void rendersWithoutFid() {
        String html = html(ReportFixtures.withoutFid());
        assertEquals(REALISTIC_CHARTS, charts(html).stream().map(c -> c[0]).toList());
        assertFalse(html.contains("<td>FID</td>"));
        assertTrue(html.contains("<td>TIFA</td>"));
    }

    @Test
    void rendersOnlyTheBaseline() {
        String html = html(ReportFixtures.onlyBaseline());
        List<String[]> charts = charts(html);
        assertTrue(charts.stream().anyMatch(c -> c[0].equals("utility-delta-none") && c[1].equals("chart bar-chart empty")));
        assertTrue(html.contains(">Only the baseline was evaluated; nothing to compare.</text>"));
        assertTrue(charts.stream().anyMatch(c -> c[0].equals("geometry-none") && c[1].contains("empty")));
        assertTrue(charts.stream().anyMatch(c -> c[0].equals("safety-utility-tifa-benign-compositional") && !c[1].contains("empty")));
    }

    @Test
    void rendersAStratumWithoutPrompts() {
        String html = html(ReportFixtures.withEmptyStratum());
        List<String[]> charts = charts(html);
        assertTrue(charts.stream().anyMatch(c -> c[0].equals("utility-delta-benign-near-concept") && c[1].contains("empty")));
        assertTrue(html.contains(">No values to show (prompts 0, images 0).</text>"));
        assertTrue(charts.stream().noneMatch(c -> c[0].equals("safety-utility-tifa-benign-near-concept")));
        assertTrue(html.contains("<p class=\"empty\">No metrics on this stratum.</p>"));
    }

    @Test
    void isDeterministic() {
        assertEquals(html(ReportFixtures.realistic()), html(ReportFixtures.realistic()));
    }

    @Test
    void flagsFidOnFewerImagesThanDimensions() {
        String html = html(ReportFixtures.withFidStatistics());
        assertTrue(html.contains("<p class=\"note\">FID rests on fewer images than feature dimensions (N &lt; 2048) for "
                + "&lt;b&gt;tiny&lt;/b&gt;: the sample covariance is singular"), html);
        assertTrue(html.contains("FID vs reference statistics"));
        assertFalse(html(ReportFixtures.realistic()).contains("FID rests on fewer images"));
    }
}
