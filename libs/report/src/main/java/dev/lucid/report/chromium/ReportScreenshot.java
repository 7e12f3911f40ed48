package dev.lucid.report.chromium;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import dev.lucid.report.ReportJson;
import dev.lucid.report.ReportRenderer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code bin/report-screenshot REPORT.(html|json) OUT.png [WIDTH] [HEIGHT]}: a PNG of an HTML report in headless
 * Chromium (a JSON report is rendered to HTML first). HEIGHT 0 (the default) captures the whole page.
 */
public final class ReportScreenshot {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReportScreenshot() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: report-screenshot REPORT.html|REPORT.json OUT.png [WIDTH=1280] [HEIGHT=0 (whole page)]");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path outPng = Path.of(args[1]);
        int width = args.length > 2 ? bounded("WIDTH", args[2], 320, 4000) : 1280;
        int height = args.length > 3 ? bounded("HEIGHT", args[3], 0, ReportPage.MAX_SCREENSHOT_HEIGHT) : 0;
        try {
            Path html = htmlOf(in);
            List<String> errors = capture(html, outPng, width, height);
            errors.forEach(e -> System.err.println("report-screenshot: page error: " + e));
            System.err.println("report-screenshot: wrote " + outPng + " (" + Files.size(outPng) + " bytes)");
            System.exit(errors.isEmpty() ? 0 : 1);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("report-screenshot: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Writes the screenshot of {@code html} to {@code png}; returns the page's errors (none expected). */
    public static List<String> capture(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Path chromiumBinary = HeadlessChromium.find().orElseThrow(() -> new IOException(
                "no chromium found (install Debian's chromium or set LUCID_CHROMIUM to its path)"));
        try (HeadlessChromium chromium = HeadlessChromium.start(chromiumBinary, TIMEOUT);
             DevToolsSession session = chromium.openPage(TIMEOUT)) {
            ReportPage page = ReportPage.load(session, html, width, Math.max(height, 800), TIMEOUT);
            byte[] bytes = height > 0 ? page.screenshot(height) : page.screenshot();
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(png, bytes);
            return page.errors();
        }
    }

    private static Path htmlOf(Path in) throws IOException {
        if (!Files.isRegularFile(in)) {
            throw new IOException(in + ": no such file");
        }
        if (!in.getFileName().toString().endsWith(".json")) {
            return in;
        }
        Report report;
        try {
            report = ReportJson.parse(Files.readString(in, StandardCharsets.UTF_8));
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(in + ": not a Lucid report JSON: " + e.getMessage(), e);
        }
        Path html = Files.createTempFile("lucid-report-", ".html");
        html.toFile().deleteOnExit();
        Files.writeString(html, ReportRenderer.render(report, ReportFormat.REPORT_FORMAT_HTML), StandardCharsets.UTF_8);
        return html;
    }

    private static int bounded(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got \"" + value + "\"");
        }
    }
}
