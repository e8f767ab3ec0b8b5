package dev.previews.faults;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A proxy on loopback between one operator process and the API server, which records every request
 * in a {@link RequestLog} and, when told, plays a broken network or a failing API server. It ends TLS
 * with the API server's own certificate (valid for 127.0.0.1, signed by the cluster's CA), so the
 * operator's kubeconfig differs from a direct one in the port only, and it sees each request: who
 * wrote what and when, which answers failed, which requests came again.
 *
 * <p>HTTP/1.1 both ways (the operator's vert.x client offers no ALPN); fabric8 watches over WebSockets,
 * which the proxy tunnels: every watch is a connection of its own, which is what lets it cut one
 * mid-stream. A connection closed by a fault is reset
 * (SO_LINGER 0), as a broken network would.
 */
final class ApiProxy implements AutoCloseable {
    /** What the proxy does to the traffic. */
    sealed interface Fault permits Pass, Refuse, RefuseWatches, Delay, CutWatches, Blackhole, Answer {}

    /** Passes everything through. */
    record Pass() implements Fault {}

    /** Resets every connection, those open when the fault starts and every new one. */
    record Refuse() implements Fault {}

    /** Resets every watch, those open when the fault starts and every new one; other requests pass. */
    record RefuseWatches() implements Fault {}

    /** Holds every answer this long before passing it on. */
    record Delay(Duration by) implements Fault {}

    /** Cuts every watch this long after it started (those open when the fault starts, at once). */
    record CutWatches(Duration after) implements Fault {}

    /** Answers nothing and lets nothing through (open streams stall); when it ends, those connections reset. */
    record Blackhole() implements Fault {}

    /**
     * Answers a fraction of the requests itself, with one of these codes (a 409 only to an update, as
     * the API server answers a stale resourceVersion; 429 with Retry-After: 1).
     */
    record Answer(double fraction, List<Integer> codes) implements Fault {}

    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection");

    final String replica;
    private final RequestLog log;
    private final HttpServer server;
    private final HttpClient upstream;
    private final Random random = new Random(17);
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<HttpConnection> watches = ConcurrentHashMap.newKeySet();
    private final Set<HttpConnection> stalled = ConcurrentHashMap.newKeySet();
    private final Set<HttpClientResponse> streaming = ConcurrentHashMap.newKeySet();
    private final Set<WebSocket> tunnels = ConcurrentHashMap.newKeySet();
    private final WebSocketClient sockets;
    private final int apiPort;
    private volatile Fault fault = new Pass();
    private volatile Trap trap;

    /** What to do, once, when the API server has accepted a request the operator has not yet heard back about. */
    private record Trap(Predicate<RequestLog.Exchange> when, Runnable action) {}

    private ApiProxy(String replica, ControlPlane plane, RequestLog log) throws Exception {
        this.replica = replica;
        this.log = log;
        this.apiPort = plane.apiPort;
        this.sockets = VERTX.createWebSocketClient(new WebSocketClientOptions()
                .setSsl(true)
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(plane.pki("ca.crt").toString()))
                .setVerifyHost(false)
                .setMaxFrameSize(64 * 1024 * 1024)
                .setMaxMessageSize(64 * 1024 * 1024)
                .setConnectTimeout(5000));
        this.upstream = VERTX.createHttpClient(
                new HttpClientOptions()
                        .setSsl(true)
                        .setTrustOptions(new PemTrustOptions()
                                .addCertPath(plane.pki("ca.crt").toString()))
                        .setVerifyHost(false)
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(plane.apiPort)
                        .setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(1000));
        this.server = VERTX.createHttpServer(new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setSsl(true)
                .setSoLinger(0)
                .setMaxWebSocketFrameSize(64 * 1024 * 1024)
                .setMaxWebSocketMessageSize(64 * 1024 * 1024)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(plane.pki("apiserver.crt").toString())
                        .setKeyPath(plane.pki("apiserver.key").toString())));
        server.connectionHandler(this::connected).requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ApiProxy start(String replica, ControlPlane plane, RequestLog log) {
        try {
            return new ApiProxy(replica, plane, log);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the proxy for " + replica, e);
        }
    }

    int port() {
        return server.actualPort();
    }

    Fault fault() {
        return fault;
    }

    /** From now on, this fault; the connections it breaks are broken at once. */
    void fault(Fault f) {
        this.fault = f;
        if (f instanceof Refuse) {
            connections.forEach(HttpConnection::close);
        } else if (f instanceof CutWatches || f instanceof RefuseWatches) {
            watches.forEach(HttpConnection::close);
        } else if (f instanceof Blackhole) {
            streaming.forEach(HttpClientResponse::pause);
            tunnels.forEach(WebSocket::pause);
            stalled.addAll(connections);
        }
    }

    /**
     * Once the API server has accepted (2xx) a request that matches, runs the action (a kill) and resets
     * the connection instead of passing the answer on: the request took effect, and the operator never
     * learnt it did. Once.
     */
    void trap(Predicate<RequestLog.Exchange> when, Runnable action) {
        this.trap = new Trap(when, action);
    }

    boolean trapArmed() {
        return trap != null;
    }

    /** Back to passing everything through; what a black hole held is reset. */
    void heal() {
        boolean wasBlackhole = fault instanceof Blackhole;
        this.fault = new Pass();
        if (wasBlackhole) {
            stalled.forEach(HttpConnection::close);
            stalled.clear();
        }
    }

    private void connected(HttpConnection conn) {
        if (fault instanceof Refuse) {
            conn.close();
            return;
        }
        connections.add(conn);
        conn.closeHandler(v -> {
            connections.remove(conn);
            watches.remove(conn);
            stalled.remove(conn);
        });
    }

    private void handle(HttpServerRequest req) {
        Fault f = fault;
        RequestLog.Exchange x = log.begin(replica, req.method().name(), req.path(), req.query());
        if (f instanceof Refuse) {
            x.code = RequestLog.RESET;
            req.connection().close();
            return;
        }
        if (f instanceof RefuseWatches && x.isWatch()) {
            x.code = RequestLog.RESET;
            req.connection().close();
            return;
        }
        if (f instanceof Blackhole) {
            x.code = RequestLog.HELD;
            stalled.add(req.connection());
            return;
        }
        if (f instanceof Answer a && random.nextDouble() < a.fraction()) {
            int code = a.codes().get(random.nextInt(a.codes().size()));
            if (code != 409 || req.method().name().equals("PUT")) {
                answer(req, x, code);
                return;
            }
        }
        req.pause();
        if ("websocket".equalsIgnoreCase(req.getHeader("upgrade"))) {
            tunnel(req, x);
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        req.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) headers.add(h.getKey(), h.getValue());
        });
        boolean chunked = !headers.contains("content-length")
                && Set.of("POST", "PUT", "PATCH").contains(req.method().name());
        upstream.request(new RequestOptions()
                        .setMethod(req.method())
                        .setURI(req.uri())
                        .setHeaders(headers))
                .compose(creq -> {
                    req.response().closeHandler(v -> creq.reset());
                    creq.setChunked(chunked);
                    return creq.send(req);
                })
                .onSuccess(cres -> {
                    Trap armed = trap;
                    if (armed != null
                            && cres.statusCode() / 100 == 2
                            && armed.when().test(x)) {
                        trap = null;
                        x.code = cres.statusCode();
                        armed.action().run();
                        req.connection().close();
                        return;
                    }
                    Fault now = fault;
                    if (now instanceof Delay d) {
                        cres.pause();
                        VERTX.setTimer(Math.max(1, d.by().toMillis()), t -> reply(req, cres, x));
                    } else {
                        reply(req, cres, x);
                    }
                })
                .onFailure(err -> {
                    x.code = RequestLog.UPSTREAM_FAILED;
                    req.connection().close();
                });
    }

    private void reply(HttpServerRequest req, HttpClientResponse cres, RequestLog.Exchange x) {
        HttpServerResponse resp = req.response();
        resp.setStatusCode(cres.statusCode()).setStatusMessage(cres.statusMessage());
        cres.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) resp.headers().add(h.getKey(), h.getValue());
        });
        if (!cres.headers().contains("content-length")) resp.setChunked(true);
        x.code = cres.statusCode();
        boolean watch = x.isWatch();
        HttpConnection conn = req.connection();
        if (watch) {
            watches.add(conn);
            if (fault instanceof CutWatches cut) {
                long after = (long) (cut.after().toMillis() * (0.5 + random.nextDouble()));
                VERTX.setTimer(Math.max(1, after), t -> {
                    if (fault instanceof CutWatches) conn.close();
                });
            }
        }
        streaming.add(cres);
        // by hand rather than pipeTo: the operator may close its end while the API server still sends
        resp.closeHandler(v -> {
            streaming.remove(cres);
            watches.remove(conn);
            cres.request().reset();
        });
        cres.handler(chunk -> {
            if (resp.ended() || resp.closed()) return;
            if (watch && chunk.toString().contains("\"code\":410")) log.expired();
            resp.write(chunk);
            if (resp.writeQueueFull()) {
                cres.pause();
                resp.drainHandler(v -> cres.resume());
            }
        });
        cres.exceptionHandler(e -> conn.close());
        cres.endHandler(v -> {
            streaming.remove(cres);
            watches.remove(conn);
            if (!resp.ended() && !resp.closed()) resp.end();
        });
        cres.resume();
        if (fault instanceof Blackhole) {
            cres.pause();
            stalled.add(conn);
        }
    }

    /**
     * A watch over a WebSocket (fabric8 asks for one first): the upgrade is made upstream, and only when
     * the API server accepts it downstream too, so that its refusals (403, 410) reach the operator as
     * the API server worded them; then messages pass both ways.
     */
    private void tunnel(HttpServerRequest req, RequestLog.Exchange x) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(apiPort)
                .setSsl(true)
                .setURI(req.uri());
        req.headers().forEach(h -> {
            String name = h.getKey().toLowerCase();
            if (!HOP_BY_HOP.contains(name) && !name.startsWith("sec-websocket") && !name.equals("host")) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        sockets.connect(options)
                .onSuccess(up -> {
                    // paused until joined() has set its handlers: the API server sends the events since the
                    // watch's resourceVersion at once, and a message without a handler would be lost
                    up.pause();
                    long delay = fault instanceof Delay d ? Math.max(1, d.by().toMillis()) : 0;
                    Runnable accept = () -> req.toWebSocket()
                            .onSuccess(down -> joined(req, x, up, down))
                            .onFailure(e -> up.close());
                    if (delay > 0) VERTX.setTimer(delay, t -> accept.run());
                    else accept.run();
                })
                .onFailure(err -> {
                    if (err instanceof UpgradeRejectedException refused) {
                        x.code = refused.getStatus();
                        req.resume();
                        HttpServerResponse resp = req.response().setStatusCode(refused.getStatus());
                        refused.getHeaders().forEach(h -> {
                            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase()))
                                resp.headers().add(h.getKey(), h.getValue());
                        });
                        resp.end(refused.getBody() == null ? Buffer.buffer() : refused.getBody());
                    } else {
                        x.code = RequestLog.UPSTREAM_FAILED;
                        req.connection().close();
                    }
                });
    }

    private void joined(HttpServerRequest req, RequestLog.Exchange x, WebSocket up, ServerWebSocket down) {
        x.code = 101;
        HttpConnection conn = req.connection();
        watches.add(conn);
        up.textMessageHandler(m -> {
            if (m.contains("\"code\":410")) log.expired();
            down.writeTextMessage(m);
        });
        up.binaryMessageHandler(down::writeBinaryMessage);
        down.textMessageHandler(up::writeTextMessage);
        down.binaryMessageHandler(up::writeBinaryMessage);
        up.closeHandler(v -> {
            tunnels.remove(up);
            down.close();
        });
        down.closeHandler(v -> {
            tunnels.remove(up);
            up.close();
        });
        up.exceptionHandler(e -> conn.close());
        down.exceptionHandler(e -> up.close());
        tunnels.add(up);
        Fault now = fault;
        if (now instanceof CutWatches cut) {
            long after = (long) (cut.after().toMillis() * (0.5 + random.nextDouble()));
            VERTX.setTimer(Math.max(1, after), t -> {
                if (fault instanceof CutWatches) conn.close();
            });
        }
        if (now instanceof Blackhole) {
            up.pause();
            stalled.add(conn);
        } else {
            up.resume();
        }
        // the API server may have ended the watch before the handlers were set (a watch from a revision it
        // no longer has: an ERROR event with 410 Gone, then the close): what it sent is passed on, then
        // the close, or the operator would wait on a watch nobody serves
        if (up.isClosed()) {
            VERTX.setTimer(500, t -> down.close());
        }
    }

    private static void answer(HttpServerRequest req, RequestLog.Exchange x, int code) {
        x.code = code;
        x.injected = true;
        String reason = switch (code) {
            case 409 -> "Conflict";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> "InternalError";
        };
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"injected by the fault tier's proxy\",\"reason\":\"" + reason + "\",\"code\":" + code
                + "}";
        req.resume();
        HttpServerResponse resp = req.response().setStatusCode(code).putHeader("Content-Type", "application/json");
        if (code == 429) resp.putHeader("Retry-After", "1");
        resp.end(body);
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        connections.forEach(HttpConnection::close);
        upstream.close();
        sockets.close();
    }
}
