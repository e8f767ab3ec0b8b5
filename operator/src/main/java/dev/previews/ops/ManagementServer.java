package dev.previews.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: {@code /healthz} (the process answers), {@code /readyz} (the operator's
 * caches are synced and it leads or stands by) and {@code /metrics} (Prometheus text format, or
 * OpenMetrics when the scraper asks for it). Served by the JDK's HTTP server on two daemon threads.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

    /** What {@code /readyz} answers: 200 when ready, 503 otherwise, with the message as the body. */
    public record Readiness(boolean ready, String message) {}

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on the port (0: any free port) of every interface.
     *
     * @param beforeScrape run before each scrape (refreshes gauges computed from the operator's cache)
     */
    public static ManagementServer start(
            int port, Supplier<Readiness> readiness, PrometheusMeterRegistry registry, Runnable beforeScrape)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "management-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> handle(exchange, () -> Response.text(200, "ok\n")));
        server.createContext(
                "/readyz",
                exchange -> handle(exchange, () -> {
                    Readiness r = readiness.get();
                    return Response.text(r.ready() ? 200 : 503, r.message() + "\n");
                }));
        server.createContext(
                "/metrics",
                exchange -> handle(exchange, () -> {
                    beforeScrape.run();
                    String accept = exchange.getRequestHeaders().getFirst("Accept");
                    boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
                    String contentType = openMetrics
                            ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                            : "text/plain; version=0.0.4; charset=utf-8";
                    return new Response(200, contentType, registry.scrape(contentType));
                }));
        server.createContext(
                "/",
                exchange ->
                        handle(exchange, () -> Response.text(404, "not found; try /healthz, /readyz or /metrics\n")));
        server.start();
        log.info(
                "management server on port {} (/healthz, /readyz, /metrics)",
                server.getAddress().getPort());
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, String contentType, String body) {
        static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body);
        }
    }

    private static void handle(HttpExchange exchange, Supplier<Response> answer) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Response response;
            try {
                response = answer.get();
            } catch (RuntimeException e) {
                log.warn(
                        "management server: {} failed: {}",
                        exchange.getRequestURI().getPath(),
                        e.toString());
                response = Response.text(500, "internal error: " + e + "\n");
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
