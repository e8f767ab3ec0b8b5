package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * A watch over plain HTTP, as kubectl and client-go make it: one response that never ends by itself, one
 * JSON watch event per line. fabric8's mock serves watches over WebSockets only (its own client's
 * way); this stands in for the WebSocket its watch listener writes to, and writes each event it sends
 * to the HTTP response instead, after {@code events} had its say (a table row instead of the object, or
 * nothing). The watch ends when the client goes away, or after the {@code timeoutSeconds} it asked for.
 * An object created while the mock opens the watch comes both in its first list and as an event: the
 * same event of the same version is sent once, as a real API server does.
 */
final class HttpWatch implements WebSocket {
    private final RecordedRequest request;
    private final MockResponse upgrade;
    private final WebSocketListener listener;
    private final UnaryOperator<JsonNode> events;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private Vertx vertx;
    private HttpServerResponse response;

    /**
     * @param upgrade the mock's answer to the watch request, carrying its watch listener
     * @param events what to send for an event the mock sends, null to send nothing
     */
    HttpWatch(RecordedRequest request, MockResponse upgrade, UnaryOperator<JsonNode> events) {
        this.request = request;
        this.upgrade = upgrade;
        this.listener = upgrade.getWebSocketListener();
        this.events = events;
    }

    void start(Vertx vertx, HttpServerResponse response, Duration timeout) {
        this.vertx = vertx;
        this.response = response;
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
        response.closeHandler(v -> stop());
        response.writeHead(); // the client knows the watch is there before the first event
        listener.onBeforeAccept(this, upgrade);
        listener.onOpen(this, upgrade); // the mock now sends the objects the watch selects, then every change
        if (timeout != null) {
            vertx.setTimer(Math.max(1, timeout.toMillis()), id -> stop());
        }
    }

    @Override
    public RecordedRequest request() {
        return request;
    }

    @Override
    public boolean send(String text) {
        if (!open.get()) return false;
        JsonNode raw = Store.parse(text);
        if (again(raw)) return true;
        JsonNode event = events.apply(raw);
        if (event != null && writable()) {
            response.write(Buffer.buffer(Store.write(event) + "\n"));
        }
        return true;
    }

    @Override
    public boolean send(byte[] bytes) {
        return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
        stop();
        return true;
    }

    /** Whether this event (its type and the object's version) was sent already. */
    private boolean again(JsonNode event) {
        JsonNode metadata = event.path("object").path("metadata");
        String uid = metadata.path("uid").asText("");
        if (uid.isEmpty()) return false;
        String seen = event.path("type").asText() + " "
                + metadata.path("resourceVersion").asText();
        return seen.equals(sent.put(uid, seen));
    }

    private boolean writable() {
        return !response.ended() && !response.closed();
    }

    /** Ends the response and lets the mock forget the watch (it waits for its sender to stop, off the event loop). */
    private void stop() {
        if (!open.compareAndSet(true, false)) return;
        if (writable()) response.end();
        vertx.executeBlocking(
                () -> {
                    listener.onClosed(this, 1000, "watch ended");
                    return null;
                },
                false);
    }
}
