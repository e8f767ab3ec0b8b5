package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The mock's store, as the additions read it: through fabric8's CRUD dispatcher, in process. */
final class Store {
    static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesCrudDispatcher dispatcher;

    Store(KubernetesCrudDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Answers a request as the mock does. */
    MockResponse dispatch(RecordedRequest request) {
        return dispatcher.dispatch(request);
    }

    /** A GET of {@code path} (no query), as the mock answers it. */
    MockResponse dispatchGet(String path) {
        return dispatcher.handleGet(path);
    }

    /** The items of a list, none when the path lists nothing. */
    List<JsonNode> list(String path) {
        MockResponse response = dispatcher.handleGet(path);
        List<JsonNode> items = new ArrayList<>();
        if (response.code() == 200 && response.getBody() != null) {
            parse(body(response)).path("items").forEach(items::add);
        }
        return items;
    }

    /** The body of a response, left in it (the mock's buffer gives its bytes away when read as text). */
    static String body(MockResponse response) {
        return response.getBody() == null ? "" : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
