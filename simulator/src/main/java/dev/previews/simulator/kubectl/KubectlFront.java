package dev.previews.simulator.kubectl;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.ServerWebSocketHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sandbox's API as clients outside the JVM reach it (kubectl, the project's CLI): an HTTP server of
 * its own in front of fabric8's mock. fabric8's server cannot be extended where kubectl needs it (it
 * answers each request with one finished response, so a watch over plain HTTP, which never finishes, is
 * out of reach), so this one takes the requests, lets {@link Answers} answer them from the mock's store,
 * and writes the answers; WebSocket watches (fabric8's clients') go to the mock's own WebSocket handling.
 * The JVM's own clients (the operator, the simulator) keep talking to the mock directly.
 */
public final class KubectlFront implements AutoCloseable {
    private static final List<String> WEBSOCKET_PROTOCOLS =
            List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io");

    private final Vertx vertx;
    private final HttpServer server;
    private final Store store;
    private final Answers answers;

    private KubectlFront(Vertx vertx, HttpServer server, Store store, Answers answers) {
        this.vertx = vertx;
        this.server = server;
        this.store = store;
        this.answers = answers;
    }

    /** Serves the mock's store on {@code port} of {@code address} (0: any free port). */
    public static KubectlFront start(KubernetesCrudDispatcher dispatcher, InetAddress address, int port, Clock clock) {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(address.getHostAddress())
                .setPort(port)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setWebSocketSubProtocols(WEBSOCKET_PROTOCOLS)
                .setHandle100ContinueAutomatically(true));
        Store store = new Store(dispatcher);
        Answers answers = new Answers(store, () -> address.getHostAddress() + ":" + server.actualPort(), clock);
        KubectlFront started = new KubectlFront(vertx, server, store, answers);
        server.requestHandler(started::handle);
        try {
            await(server.listen(), "cannot listen on " + address.getHostAddress() + ":" + port);
        } catch (IllegalStateException e) {
            vertx.close();
            throw e;
        }
        return started;
    }

    public int port() {
        return server.actualPort();
    }

    /** The URL for a kubeconfig. */
    public String url() {
        return "http://localhost:" + port();
    }

    private void handle(HttpServerRequest request) {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            webSocket(request);
            return;
        }
        request.body().onFailure(e -> fail(request.response(), e)).onSuccess(body -> {
            RecordedRequest recorded = recorded(request, body);
            vertx.executeBlocking(() -> answers.answer(ApiRequest.of(recorded)), false)
                    .onFailure(e -> fail(request.response(), e))
                    .onSuccess(reply -> send(request.response(), reply));
        });
    }

    /** A fabric8 client's watch: the mock answers it over the WebSocket, as from its own server. */
    private void webSocket(HttpServerRequest request) {
        RecordedRequest recorded = recorded(request, null);
        MockResponse response = store.dispatch(recorded);
        if (response.getWebSocketListener() == null) {
            write(request.response(), response);
            return;
        }
        request.toWebSocket()
                .onFailure(e -> fail(request.response(), e))
                .onSuccess(new ServerWebSocketHandler(recorded, response));
    }

    private void send(HttpServerResponse response, Reply reply) {
        if (reply instanceof Reply.Watch watch) {
            watch.watch().start(vertx, response, watch.timeout());
        } else {
            write(response, ((Reply.Plain) reply).response());
        }
    }

    private static void write(HttpServerResponse response, MockResponse answer) {
        response.setStatusCode(answer.code());
        answer.getHeaders()
                .toMultimap()
                .forEach((name, values) -> response.headers().add(name, values));
        if (!response.headers().contains("Content-Type")) {
            // the mock says nothing; kubectl's typed clients would take a JSON answer for protobuf
            response.putHeader("Content-Type", "application/json");
        }
        if (answer.getBody() != null && answer.getBody().size() > 0) {
            response.send(Buffer.buffer(answer.getBody().getBytes()));
        } else {
            response.end();
        }
    }

    private static void fail(HttpServerResponse response, Throwable e) {
        if (response.headWritten()) return;
        write(response, Statuses.failure(500, "InternalError", "the sandbox failed to answer: " + e));
    }

    private static RecordedRequest recorded(HttpServerRequest request, Buffer body) {
        return new RecordedRequest(
                request.version().alpnName().toUpperCase(Locale.ROOT),
                HttpMethod.fromVertx(request.method()),
                request.uri(),
                Headers.builder().addAll(request.headers()).build(),
                new io.fabric8.mockwebserver.http.Buffer(body == null ? new byte[0] : body.getBytes()));
    }

    @Override
    public void close() {
        await(server.close(), "cannot stop the sandbox's API");
        await(vertx.close(), "cannot stop the sandbox's API");
    }

    private static <T> T await(Future<T> future, String failure) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure, e);
        } catch (ExecutionException e) {
            // the cause says why (Address already in use): one line for whoever started the sandbox
            throw new IllegalStateException(failure + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(failure + ": no answer in 10 s", e);
        }
    }
}
