package dev.lucid.report.chromium;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** An HTML file loaded in a DevTools session: its errors, JavaScript evaluation and full-page screenshots. */
public final class ReportPage {
    /** Longest page a screenshot covers, in CSS px (bounds the PNG's size). */
    public static final int MAX_SCREENSHOT_HEIGHT = 20_000;

    private final DevToolsSession session;
    private final Duration timeout;
    private final int width;
    private int loadedFrom;

    private ReportPage(DevToolsSession session, Duration timeout, int width) {
        this.session = session;
        this.timeout = timeout;
        this.width = width;
    }

    /** Enables the Page, Runtime and Log domains, sets a {@code width}-px viewport and loads the file. */
    public static ReportPage load(DevToolsSession session, Path html, int width, int height, Duration timeout)
            throws IOException, InterruptedException {
        ReportPage page = new ReportPage(session, timeout, width);
        session.enable("Page", timeout);
        session.enable("Runtime", timeout);
        session.enable("Log", timeout);
        page.viewport(height);
        int mark = session.eventCount();
        page.loadedFrom = mark;
        JsonNode nav = session.call("Page.navigate", Map.of("url", html.toAbsolutePath().toUri().toString()), timeout);
        if (nav.hasNonNull("errorText")) {
            throw new IOException("chromium could not open " + html + ": " + nav.get("errorText").asText());
        }
        session.awaitEvent("Page.loadEventFired", mark, timeout);
        return page;
    }

    /** Exceptions, console errors and log entries of level error since this page started loading, one line each. */
    public List<String> errors() {
        List<String> out = new ArrayList<>();
        session.events("Runtime.exceptionThrown", loadedFrom).forEach(e -> out.add("exception: " + e.path("exceptionDetails")));
        session.events("Runtime.consoleAPICalled", loadedFrom).stream().filter(e -> "error".equals(e.path("type").asText()))
                .forEach(e -> out.add("console.error: " + e.path("args")));
        session.events("Log.entryAdded", loadedFrom).stream().filter(e -> "error".equals(e.path("entry").path("level").asText()))
                .forEach(e -> out.add("log: " + e.path("entry").path("text").asText() + " " + e.path("entry").path("url").asText()));
        return out;
    }

    /** Evaluates a JavaScript expression in the page and returns its value (JSON-serialisable results only). */
    public JsonNode evaluate(String expression) throws IOException, InterruptedException {
        JsonNode res = session.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true), timeout);
        if (res.has("exceptionDetails")) {
            throw new IOException("page script failed: " + res.get("exceptionDetails"));
        }
        return res.path("result").path("value");
    }

    /** A PNG of the whole page (up to {@link #MAX_SCREENSHOT_HEIGHT} px), at one image pixel per CSS pixel. */
    public byte[] screenshot() throws IOException, InterruptedException {
        int height = (int) Math.min(MAX_SCREENSHOT_HEIGHT, Math.max(1, evaluate(
                "Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))").asDouble()));
        return screenshot(height);
    }

    /** A PNG of the top {@code height} CSS px of the page. */
    public byte[] screenshot(int height) throws IOException, InterruptedException {
        viewport(height);
        JsonNode shot = session.call("Page.captureScreenshot", Map.of("format", "png", "fromSurface", true), timeout);
        return Base64.getDecoder().decode(shot.path("data").asText());
    }

    private void viewport(int height) throws IOException, InterruptedException {
        session.call("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false), timeout);
    }
}
