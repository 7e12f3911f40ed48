package dev.lucid.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import dev.lucid.api.v1.Verdict;
import dev.lucid.report.chromium.DevToolsSession;
import dev.lucid.report.chromium.HeadlessChromium;
import dev.lucid.report.chromium.ReportPage;
import dev.lucid.report.chromium.ReportScreenshot;
import dev.lucid.report.svg.Palette;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTML report in Debian's headless Chromium: no errors, every chart drawn, verdict colours on screen. */
@Timeout(240)
class ChromiumReportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CHARTS = """
            Array.from(document.querySelectorAll('svg.chart')).map(s => { const r = s.getBoundingClientRect(); return {
              id: s.id, empty: s.classList.contains('empty'),
              marks: s.querySelectorAll('rect.bar, circle.point, path.line, rect.cell').length,
              title: (s.querySelector(':scope > title') || {textContent: ''}).textContent,
              x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height }; })""";
    private static final String VERDICT_TABLE = """
            (() => { const t = document.querySelector('table.verdicts'); const r = t.getBoundingClientRect(); return {
              rows: t.querySelectorAll('tbody tr').length, illusion: t.querySelectorAll('td.verdict-illusion').length,
              x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height }; })()""";

    private static HeadlessChromium chromium;
    private static DevToolsSession session;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        if (binary.isEmpty()) {
            System.out.println("SKIPPED ChromiumReportTest: no chromium (install Debian's chromium or set LUCID_CHROMIUM)");
        }
        if (binary.isPresent()) {
            chromium = HeadlessChromium.start(binary.get(), TIMEOUT);
            session = chromium.openPage(TIMEOUT);
        }
    }

    /** Each test is reported as skipped (not dropped from the counts) where there is no Chromium. */
    @BeforeEach
    void requireChromium() {
        Assumptions.assumeTrue(chromium != null, "no chromium on this machine (install Debian's chromium or set LUCID_CHROMIUM)");
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
        if (chromium != null) {
            chromium.close();
        }
    }

    private static ReportPage load(Report report, Path dir, String name) throws Exception {
        Path file = dir.resolve(name + ".html");
        Files.writeString(file, ReportRenderer.render(report, ReportFormat.REPORT_FORMAT_HTML));
        return ReportPage.load(session, file, 1280, 900, TIMEOUT);
    }

    @Test
    void realisticReportDrawsEveryChartAndTheVerdictColours(@TempDir Path dir) throws Exception {
        ReportPage page = load(ReportFixtures.realistic(), dir, "realistic");
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(page.screenshot()));
        assertEquals(List.of(), page.errors(), "page errors: " + chromium.stderrTail());
        assertEquals(1280, shot.getWidth());

        JsonNode charts = page.evaluate(CHARTS);
        List<String> ids = new ArrayList<>();
        charts.forEach(c -> ids.add(c.get("id").asText()));
        assertEquals(HtmlReportTest.REALISTIC_CHARTS, ids);
        for (JsonNode c : charts) {
            String id = c.get("id").asText();
            assertTrue(!c.get("empty").asBoolean() && c.get("marks").asInt() > 0, id + " has marks: " + c);
            assertTrue(!c.get("title").asText().isBlank(), id + " has a title");
            int[] box = box(c, shot);
            double ink = share(shot, box, rgb -> rgb != 0xffffff);
            assertTrue(ink > 0.03, id + " drew something: " + ink);
            // Model-coloured charts show the model colours on screen.
            if (id.startsWith("safety-utility") || id.startsWith("unsafe-curve")) {
                for (int m = 0; m < 4; m++) {
                    int colour = hex(Palette.model(m));
                    assertTrue(share(shot, box, rgb -> close(rgb, colour)) > 0, id + " shows model " + m + "'s colour");
                }
            }
            if (id.startsWith("utility-delta")) {
                assertTrue(share(shot, box, rgb -> close(rgb, hex(Palette.STRUCTURED))) > 0.002, id + " shows TIFA bars");
            }
            if (id.startsWith("tifa-elements")) {
                assertTrue(share(shot, box, rgb -> close(rgb, hex(Palette.accuracy(0.91)))) > 0.002, id + " shows the 0.91 cell");
            }
        }

        JsonNode table = page.evaluate(VERDICT_TABLE);
        assertEquals(4, table.get("rows").asInt());
        assertEquals(2, table.get("illusion").asInt(), "des overall and on benign-compositional");
        int[] box = box(table, shot);
        for (Map.Entry<Verdict, Integer> e : Map.of(Verdict.VERDICT_ILLUSION, 2, Verdict.VERDICT_DEGRADED, 3,
                Verdict.VERDICT_HELD, 13, Verdict.VERDICT_INCONCLUSIVE, 2).entrySet()) {
            int colour = hex(HtmlReport.VERDICT_COLORS.get(e.getKey()));
            double share = share(shot, box, rgb -> close(rgb, colour));
            // Each cell is about 1.8% of the table; text and borders take some of it.
            assertTrue(share > e.getValue() * 0.008, e.getKey() + " covers " + share + " of the verdict table");
        }
    }

    @Test
    void reportsWithMissingPartsRenderWithoutErrors(@TempDir Path dir) throws Exception {
        Map<String, Report> reports = Map.of("no-fid", ReportFixtures.withoutFid(), "only-baseline", ReportFixtures.onlyBaseline(),
                "empty-stratum", ReportFixtures.withEmptyStratum(), "hostile", ReportFixtures.realistic(ReportFixtures.HOSTILE));
        for (Map.Entry<String, Report> e : new java.util.TreeMap<>(reports).entrySet()) {
            ReportPage page = load(e.getValue(), dir, e.getKey());
            assertEquals(List.of(), page.errors(), e.getKey());
            JsonNode charts = page.evaluate(CHARTS);
            assertTrue(charts.size() >= 5, e.getKey() + ": " + charts.size() + " charts");
            for (JsonNode c : charts) {
                assertTrue(c.get("empty").asBoolean() || c.get("marks").asInt() > 0, e.getKey() + ": " + c);
                assertTrue(c.get("w").asDouble() > 100 && c.get("h").asDouble() > 40, e.getKey() + " laid out: " + c);
            }
        }
        // The hostile page was loaded last: its label is text, not a script.
        ReportPage hostile = load(ReportFixtures.realistic(ReportFixtures.HOSTILE), dir, "hostile-again");
        assertEquals(0, hostile.evaluate("document.querySelectorAll('script').length").asInt());
        assertEquals(ReportFixtures.HOSTILE, hostile.evaluate("document.querySelector('table.verdicts tbody tr:nth-child(2) td').textContent").asText());
        JsonNode empty = load(ReportFixtures.onlyBaseline(), dir, "only-baseline-again")
                .evaluate("document.getElementById('utility-delta-none').textContent");
        assertTrue(empty.asText().contains("Only the baseline was evaluated"), empty.asText());
    }

    @Test
    void screenshotToolWritesAPngOfTheAskedSize(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Files.writeString(html, ReportRenderer.render(ReportFixtures.realistic(), ReportFormat.REPORT_FORMAT_HTML));
        Path png = dir.resolve("shots/report.png");
        assertEquals(List.of(), ReportScreenshot.capture(html, png, 1000, 700));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(700, img.getHeight());
    }

    @Test
    void seesPageErrorsWhenThereAreSome(@TempDir Path dir) throws Exception {
        // The error checks above would pass vacuously if errors were never collected; a broken page shows they are.
        Path file = dir.resolve("broken.html");
        Files.writeString(file, "<!DOCTYPE html><html><body><script>console.error('lucid-test-console');"
                + "throw new Error('lucid-test-exception');</script></body></html>");
        List<String> errors = ReportPage.load(session, file, 800, 600, TIMEOUT).errors();
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("console.error: ") && e.contains("lucid-test-console")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("exception: ") && e.contains("lucid-test-exception")), errors.toString());
    }

    private static int[] box(JsonNode r, BufferedImage shot) {
        int x0 = Math.max(0, (int) Math.ceil(r.get("x").asDouble()));
        int y0 = Math.max(0, (int) Math.ceil(r.get("y").asDouble()));
        int x1 = Math.min(shot.getWidth(), (int) Math.floor(r.get("x").asDouble() + r.get("w").asDouble()));
        int y1 = Math.min(shot.getHeight(), (int) Math.floor(r.get("y").asDouble() + r.get("h").asDouble()));
        assertTrue(x1 > x0 && y1 > y0, "box inside the screenshot: " + r);
        return new int[] {x0, y0, x1, y1};
    }

    private interface PixelTest {
        boolean test(int rgb);
    }

    /** Share of the box's pixels that pass the test. */
    private static double share(BufferedImage img, int[] box, PixelTest t) {
        long hits = 0;
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                if (t.test(img.getRGB(x, y) & 0xffffff)) {
                    hits++;
                }
            }
        }
        return (double) hits / ((long) (box[2] - box[0]) * (box[3] - box[1]));
    }

    private static boolean close(int a, int b) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > 6) {
                return false;
            }
        }
        return true;
    }

    private static int hex(String colour) {
        return Integer.parseInt(colour.substring(1), 16);
    }
}
