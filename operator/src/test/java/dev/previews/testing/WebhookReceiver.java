package dev.previews.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook on the loopback interface that records what it receives and answers as told: 200 by
 * default, a given sequence of status codes (with an optional Retry-After), or never (it reads the
 * request and holds the connection until it is closed or released).
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received. */
    public record Received(String id, String contentType, JsonNode body, long nanoTime) {
        public String event() {
            return body.path("event").asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();
    private volatile String retryAfter;
    private volatile boolean hangs;
    private volatile CountDownLatch held = new CountDownLatch(1);

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a thread per exchange: a held exchange must not stop the others from being read
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/s3cr3t");
    }

    /** The next requests are answered with these codes, in order; 200 after them. */
    public synchronized WebhookReceiver answering(int... codes) {
        for (int c : codes) answers.addLast(c);
        return this;
    }

    public WebhookReceiver withRetryAfter(String value) {
        this.retryAfter = value;
        return this;
    }

    /** Reads every request and never answers, until {@link #release()} or {@link #close()}. */
    public WebhookReceiver hanging() {
        hangs = true;
        return this;
    }

    /** Answers the held requests (200, or the codes queued) and every later one. */
    public void release() {
        hangs = false;
        held.countDown();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<String> events() {
        return received.stream().map(Received::event).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    exchange.getRequestHeaders().getFirst("X-Preview-Notification-Id"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    JSON.readTree(new String(body, StandardCharsets.UTF_8)),
                    System.nanoTime()));
            if (hangs) {
                held.await(1, TimeUnit.MINUTES);
            }
            int code = next();
            if (code == 429 || code >= 500) {
                String after = retryAfter;
                if (after != null) exchange.getResponseHeaders().add("Retry-After", after);
            }
            // no body: the headers go out in one write (a body after them waits for a delayed ACK, 40 ms)
            exchange.sendResponseHeaders(code, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized int next() {
        Integer code = answers.pollFirst();
        return code == null ? 200 : code;
    }

    /** Ids received, in order, as many times as they came. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        received.forEach(r -> ids.add(r.id()));
        return ids;
    }

    @Override
    public void close() {
        held.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
