package dev.lucid.report.chromium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** One Chrome DevTools protocol connection (JSON over a WebSocket): commands with timeouts, and the events seen. */
public final class DevToolsSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final Set<String> enabled = ConcurrentHashMap.newKeySet();

    private DevToolsSession(WebSocket socket) {
        this.socket = socket;
    }

    static DevToolsSession connect(HttpClient http, URI uri, Duration timeout) throws IOException, InterruptedException {
        Receiver receiver = new Receiver();
        try {
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, receiver)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            DevToolsSession session = new DevToolsSession(ws);
            receiver.session = session;
            return session;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open DevTools socket " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Sends a command and waits for its result; a protocol error becomes an IOException with its message. */
    public JsonNode call(String method, Map<String, ?> params, Duration timeout) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(msg), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode res = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (res.has("error")) {
                throw new IOException(method + " failed: " + res.get("error"));
            }
            return res.path("result");
        } catch (ExecutionException e) {
            throw new IOException(method + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(method + " got no answer within " + timeout.toMillis() + " ms", e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Enables a domain (Page, Runtime, Log) once per session: enabling Runtime again would replay the console
     * messages of the page before, and they would look like the next page's.
     */
    public void enable(String domain, Duration timeout) throws IOException, InterruptedException {
        if (!enabled.contains(domain)) {
            call(domain + ".enable", Map.of(), timeout);
            enabled.add(domain);
        }
    }

    /** How many events have arrived so far (a mark for {@link #awaitEvent}). */
    public int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Waits for the first event named {@code method} at or after index {@code from}; returns its params. */
    public JsonNode awaitEvent(String method, int from, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (int i = from; i < events.size(); i++) {
                    if (method.equals(events.get(i).path("method").asText())) {
                        return events.get(i).path("params");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no " + method + " event within " + timeout.toMillis() + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
        }
    }

    /** The params of every event named {@code method} seen at or after index {@code from}. */
    public List<JsonNode> events(String method, int from) {
        synchronized (events) {
            return events.subList(Math.min(from, events.size()), events.size()).stream()
                    .filter(e -> method.equals(e.path("method").asText())).map(e -> e.path("params")).toList();
        }
    }

    @Override
    public void close() {
        socket.abort();
        pending.values().forEach(f -> f.completeExceptionally(new IOException("DevTools session closed")));
    }

    private void receive(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            return; // Not JSON: not the protocol; ignore it.
        }
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
            if (f != null) {
                f.complete(msg);
            }
        } else if (msg.has("method")) {
            synchronized (events) {
                events.add(msg);
                events.notifyAll();
            }
        }
    }

    /** Joins partial WebSocket frames into whole messages (screenshots arrive in many parts). */
    private static final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile DevToolsSession session;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (session != null) {
                    session.receive(text);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (session != null) {
                session.pending.values().forEach(f -> f.completeExceptionally(error));
            }
        }
    }
}
