package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What the sandbox answers to a request from outside the JVM. What fabric8's mock cannot answer as an
 * API server would is answered here: the version, discovery and OpenAPI documents, tables, lists of
 * their kind, field selectors on other fields than the name, watches over HTTP, the schema check of
 * writes ({@link WriteCheck}), and clear refusals of what the sandbox does not do (strategic merge patch,
 * server-side apply, dry runs). The rest goes to the mock unchanged, apart from a write's query string
 * (the mock takes {@code .../status?fieldManager=kubectl} for the object itself) and the Status body the
 * mock leaves out of a 404.
 */
final class Answers {
    private final Store store;
    private final ServedResources served;
    private final Discovery discovery;
    private final OpenApi openApi;
    private final WriteCheck writeCheck;
    private final Tables tables;
    private final Supplier<String> serverAddress;

    Answers(Store store, Supplier<String> serverAddress, Clock clock) {
        this.store = store;
        this.served = new ServedResources(store);
        this.discovery = new Discovery(served);
        Schemas schemas = new Schemas();
        this.openApi = new OpenApi(served, schemas);
        this.writeCheck = new WriteCheck(store, schemas);
        this.tables = new Tables(clock);
        this.serverAddress = serverAddress;
    }

    Reply answer(ApiRequest request) {
        ApiRequest r = request;
        if (Requests.contentType(r.header("Content-Type")).equals(ProtobufBodies.CONTENT_TYPE)) {
            try {
                ObjectNode json = ProtobufBodies.toJson(r.bodyBytes());
                if (json == null) return new Reply.Plain(Refusals.protobuf(r));
                r = ApiRequest.of(Requests.copy(r.recorded(), r.recorded().getPath(), Store.write(json)));
            } catch (IllegalArgumentException e) {
                return new Reply.Plain(Statuses.failure(400, "BadRequest", e.getMessage()));
            }
        }
        if (r.method().equals("GET") && !r.isResource()) {
            MockResponse document = document(r);
            if (document != null) return new Reply.Plain(document);
        }
        if (!r.isResource()) return new Reply.Plain(store.dispatch(r.recorded()));
        ServedResource resource =
                served.find(r.group(), r.version(), r.plural()).orElse(null);
        if (r.method().equals("GET")) {
            return r.isWatch() ? watch(r, resource) : new Reply.Plain(read(r, resource));
        }
        MockResponse refused = Refusals.of(r, resource);
        if (refused != null) return new Reply.Plain(refused);
        MockResponse unreadable = Refusals.unreadable(r);
        if (unreadable != null) return new Reply.Plain(unreadable);
        if (r.method().equals("DELETE")) return new Reply.Plain(withStatus(r, store.dispatch(r.recorded())));
        return new Reply.Plain(write(r, resource));
    }

    /**
     * A create, update or patch, checked first. A patch that had to become an update (to drop undeclared
     * fields) meets a conflict when something else wrote the object meanwhile (the operator its status);
     * it is then computed again from the new version, as the API server retries a patch.
     */
    private MockResponse write(ApiRequest r, ServedResource resource) {
        MockResponse answer = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            WriteCheck.Verdict verdict = writeCheck.check(r, resource, Requests.withoutQuery(r.recorded()));
            if (verdict.refusal() != null) return verdict.refusal();
            if (r.method().equals("POST")) ensureNamespace(r.namespace());
            answer = withStatus(r, store.dispatch(verdict.request()));
            boolean rewrittenPatch =
                    r.method().equals("PATCH") && verdict.request().method() == HttpMethod.PUT;
            if (!(rewrittenPatch && answer.code() == 409)) {
                for (String warning : verdict.warnings()) {
                    answer.addHeader("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
                }
                return answer;
            }
        }
        return answer;
    }

    /**
     * Creates the namespace a create goes to when it does not exist. An API server refuses such a create
     * (namespaces "x" not found); the mock takes it, and so do the project's CLI and tests, which create
     * previews in namespaces nobody created. Creating the namespace keeps kubectl consistent with what is
     * stored: it lists the namespace, and its lookups of objects in it find the namespace.
     */
    private void ensureNamespace(String namespace) {
        if (namespace == null
                || store.dispatchGet("/api/v1/namespaces/" + namespace).code() == 200) return;
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace
                + "\"},\"status\":{\"phase\":\"Active\"}}";
        store.dispatch(new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.POST,
                "/api/v1/namespaces",
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer(body.getBytes(StandardCharsets.UTF_8))));
    }

    /** The documents that describe the API; null for a path that is none of them. */
    private MockResponse document(ApiRequest r) {
        boolean aggregated = Discovery.wantsAggregated(r.header("Accept"));
        switch (r.path()) {
            case "/version":
                return Statuses.json(200, Version.document());
            case "/api":
                return aggregated
                        ? discoveryJson(discovery.aggregated(true))
                        : Statuses.json(200, discovery.coreVersions(serverAddress.get()));
            case "/apis":
                return aggregated ? discoveryJson(discovery.aggregated(false)) : Statuses.json(200, discovery.groups());
            case "/openapi/v2":
                return openApi.v2(); // kubectl before 1.27
            case "/swagger-2.0.0.pb-v1":
                return Statuses.notFound("the sandbox serves OpenAPI v2 at /openapi/v2 and v3 at /openapi/v3");
            default:
        }
        if (r.path().equals("/openapi/v3") || r.path().startsWith("/openapi/v3/")) {
            return openApi.answer(r.path());
        }
        if (r.version() != null) {
            ObjectNode resources = discovery.resources(r.group(), r.version());
            return resources == null
                    ? Statuses.notFound("the server could not find the requested resource")
                    : Statuses.json(200, resources);
        }
        return null;
    }

    private static MockResponse discoveryJson(ObjectNode document) {
        return Statuses.json(200, document).setHeader("Content-Type", Discovery.AGGREGATED_TYPE);
    }

    /**
     * A get or a list, with the field selector the mock cannot apply applied here, as a table if asked;
     * a list is of its kind ({@code EventList}), not the mock's plain v1 List.
     */
    private MockResponse read(ApiRequest r, ServedResource resource) {
        FieldSelector selector;
        try {
            selector = FieldSelector.parse(r.param("fieldSelector"));
        } catch (IllegalArgumentException e) {
            return Statuses.failure(400, "BadRequest", e.getMessage());
        }
        MockResponse response = withStatus(r, store.dispatch(Requests.forMock(r, selector)));
        boolean list = r.name() == null;
        if (response.code() != 200 || !(list || r.wantsTable())) return response;
        JsonNode body = Store.parse(Store.body(response));
        List<JsonNode> items = new ArrayList<>();
        (list ? body.path("items") : List.of(body)).forEach(o -> {
            if (selector.matches(o)) items.add(o);
        });
        if (r.wantsTable()) {
            JsonNode metadata = list ? body.path("metadata") : null;
            return Statuses.json(
                    200, tables.table(tables.columns(resource), items, metadata, r.param("includeObject")));
        }
        // the mock calls every list a v1 List; typed clients (kubectl describe reading Events) want an EventList
        ObjectNode typed = body.deepCopy();
        if (resource != null) typed.put("kind", resource.kind() + "List").put("apiVersion", resource.groupVersion());
        typed.putArray("items").addAll(items);
        return Statuses.json(200, typed);
    }

    /**
     * A watch over HTTP. The mock sends every object the watch selects as ADDED when it starts, whatever
     * resourceVersion it starts from; an API server sends only what changed after it, so those it had
     * already listed are left out (kubectl get -w would print them twice).
     */
    private Reply watch(ApiRequest r, ServedResource resource) {
        FieldSelector selector;
        try {
            selector = FieldSelector.parse(r.param("fieldSelector"));
        } catch (IllegalArgumentException e) {
            return new Reply.Plain(Statuses.failure(400, "BadRequest", e.getMessage()));
        }
        RecordedRequest toMock = Requests.forMock(r, selector);
        MockResponse upgrade = store.dispatch(toMock);
        if (upgrade.getWebSocketListener() == null) return new Reply.Plain(upgrade);
        long since = resourceVersion(r.param("resourceVersion"));
        List<Tables.Column> columns = r.wantsTable() ? tables.columns(resource) : null;
        UnaryOperator<JsonNode> events = event -> {
            JsonNode object = event.path("object");
            boolean listedBefore = event.path("type").asText().equals("ADDED")
                    && resourceVersion(object.path("metadata")
                                    .path("resourceVersion")
                                    .asText())
                            <= since;
            if (listedBefore || !selector.matches(object)) return null;
            if (columns == null) return event;
            ObjectNode row = ((ObjectNode) event).deepCopy();
            row.set("object", tables.table(columns, List.of(object), null, r.param("includeObject")));
            return row;
        };
        String timeout = r.param("timeoutSeconds");
        return new Reply.Watch(
                new HttpWatch(toMock, upgrade, events),
                timeout == null ? null : Duration.ofSeconds(Long.parseLong(timeout)));
    }

    /**
     * The API server's Status where the mock's says less: a 404 without a body, and for a create of an
     * object that exists a 409 "Invalid" (kubectl then prints {@code The PreviewDeployment "" is invalid}).
     */
    private static MockResponse withStatus(ApiRequest r, MockResponse response) {
        boolean empty = response.getBody() == null || response.getBody().size() == 0;
        if (response.code() == 404 && empty && r.name() != null) return Statuses.notFound(r);
        if (response.code() == 409 && r.method().equals("POST") && r.name() == null) {
            try {
                return Statuses.alreadyExists(
                        r, Store.parse(r.body()).path("metadata").path("name").asText());
            } catch (RuntimeException e) {
                return response;
            }
        }
        return response;
    }

    /**
     * A resourceVersion as the mock counts them (one number for the whole store); -1 for none (a watch from
     * "0" gets everything).
     */
    private static long resourceVersion(String value) {
        try {
            return value == null || value.isEmpty() ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
