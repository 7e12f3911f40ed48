package dev.lucid.report.chromium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium started for one job and always stopped by {@link #close()} (also on JVM exit): its own
 * temporary profile, DevTools on a free port read from its stderr.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");
    private static final int STDERR_LINES_KEPT = 40;

    private final Process process;
    private final Path profile;
    private final URI browserSocket;
    private final Deque<String> stderrTail;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HeadlessChromium(Process process, Path profile, URI browserSocket, Deque<String> stderrTail, Thread shutdownHook) {
        this.process = process;
        this.profile = profile;
        this.browserSocket = browserSocket;
        this.stderrTail = stderrTail;
        this.shutdownHook = shutdownHook;
    }

    /** The Chromium binary: $LUCID_CHROMIUM when set, else the first of the usual Debian/Ubuntu paths that exists. */
    public static Optional<Path> find() {
        String env = System.getenv("LUCID_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts Chromium and waits (at most {@code timeout}) for its DevTools endpoint. */
    public static HeadlessChromium start(Path binary, Duration timeout) throws IOException {
        Path profile = Files.createTempDirectory("lucid-chromium-");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-gpu",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
                "--mute-audio", "--force-device-scale-factor=1", "about:blank");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        Thread hook = new Thread(() -> kill(process), "lucid-chromium-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<URI> socket = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        while (tail.size() > STDERR_LINES_KEPT) {
                            tail.removeFirst();
                        }
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        socket.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // The process went away; the waiter below reports it.
            }
            socket.completeExceptionally(new IOException("chromium exited before DevTools listened"));
        }, "lucid-chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        HeadlessChromium chromium;
        try {
            chromium = new HeadlessChromium(process, profile, socket.get(timeout.toMillis(), TimeUnit.MILLISECONDS), tail, hook);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String stderr;
            synchronized (tail) {
                stderr = String.join("\n", tail);
            }
            kill(process);
            removeHook(hook);
            deleteTree(profile);
            throw new IOException("chromium " + binary + " did not open DevTools within " + timeout.toSeconds() + " s: "
                    + e.getClass().getSimpleName() + "; its stderr:\n" + stderr, e);
        }
        return chromium;
    }

    /** The browser-level DevTools socket. */
    public URI browserSocket() {
        return browserSocket;
    }

    /** Opens a DevTools session on the browser's first page target. */
    public DevToolsSession openPage(Duration timeout) throws IOException, InterruptedException {
        URI list = URI.create("http://" + browserSocket.getAuthority() + "/json/list");
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(list).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("GET " + list + " answered " + res.statusCode());
        }
        JsonNode targets = new ObjectMapper().readTree(res.body());
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asText()) && t.hasNonNull("webSocketDebuggerUrl")) {
                return DevToolsSession.connect(http, URI.create(t.get("webSocketDebuggerUrl").asText()), timeout);
            }
        }
        throw new IOException("chromium has no page target: " + res.body());
    }

    /** The last lines chromium wrote to stderr (for failure messages). */
    public String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    /** Stops chromium and its child processes and deletes the temporary profile. */
    @Override
    public void close() {
        kill(process);
        removeHook(shutdownHook);
        deleteTree(profile);
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Renderer and zygote processes normally leave with the browser; any that did not are ended here.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook itself.
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary profile left behind is harmless; nothing else to do.
        }
    }
}
