package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

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
    private static final String STRATEGIC = "application/strategic-merge-patch+json";
    private static final String APPLY = "application/apply-patch+yaml";

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
        if (contentType(r.header("Content-Type")).equals(ProtobufBodies.CONTENT_TYPE)) {
            try {
                ObjectNode json = ProtobufBodies.toJson(r.bodyBytes());
                if (json == null) return new Reply.Plain(protobufRefused(r));
                r = ApiRequest.of(copy(r.recorded(), r.recorded().getPath(), Store.write(json)));
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
        MockResponse refused = refused(r, resource);
        if (refused != null) return new Reply.Plain(refused);
        MockResponse unreadable = unreadable(r);
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
            WriteCheck.Verdict verdict = writeCheck.check(r, resource, withoutQuery(r.recorded()));
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
        MockResponse response = withStatus(r, store.dispatch(forMock(r, selector)));
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
        RecordedRequest toMock = forMock(r, selector);
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

    /** A write the sandbox does not do, answered with what to do instead; null for the others. */
    private static MockResponse refused(ApiRequest r, ServedResource resource) {
        if (dryRun(r)) {
            return Statuses.failure(
                    400,
                    "BadRequest",
                    "dry run is not supported by the sandbox (it would make the change): leave out --dry-run=server");
        }
        if (!r.method().equals("PATCH")) return null;
        String type = contentType(r.header("Content-Type"));
        if (type.equals(APPLY)) {
            return Statuses.failure(
                    415,
                    "UnsupportedMediaType",
                    "server-side apply is not supported by the sandbox: use kubectl apply without --server-side");
        }
        if (type.equals(STRATEGIC)) {
            String message = resource != null && resource.custom()
                    ? "the body of the request was in an unknown format - accepted media types include:"
                            + " application/json-patch+json, application/merge-patch+json"
                    : "strategic merge patch is not supported by the sandbox (kubectl apply, edit and patch send one"
                            + " for built-in kinds): use kubectl patch --type=merge or --type=json";
            return Statuses.failure(415, "UnsupportedMediaType", message);
        }
        return null;
    }

    /** A JSON body that is not JSON, refused as the API server does (the mock fails on it with a 500). */
    private static MockResponse unreadable(ApiRequest r) {
        if (!contentType(r.header("Content-Type")).endsWith("json") || r.body().isBlank()) return null;
        try {
            Store.JSON.readTree(r.body());
            return null;
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage() == null ? e.getMessage() : e.getOriginalMessage();
            return Statuses.failure(400, "BadRequest", "the request body is not JSON: " + problem);
        }
    }

    /** Whether a write asks for a dry run: in its query, or for a delete in its DeleteOptions body too. */
    private static boolean dryRun(ApiRequest r) {
        if (r.param("dryRun") != null && !r.param("dryRun").isEmpty()) return true;
        if (!r.method().equals("DELETE") || r.body().isBlank()) return false;
        try {
            return !Store.parse(r.body()).path("dryRun").isEmpty();
        } catch (RuntimeException e) {
            return false; // not DeleteOptions: the mock ignores the body
        }
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

    /** The request to give the mock: the field selector's terms it understands and nothing else of it. */
    private static RecordedRequest forMock(ApiRequest r, FieldSelector selector) {
        if (!selector.filtersHere()) return r.recorded();
        Map<String, String> query = new java.util.LinkedHashMap<>(r.query());
        if (selector.forMock().isEmpty()) {
            query.remove("fieldSelector");
        } else {
            query.put("fieldSelector", selector.forMock());
        }
        String encoded = query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return copy(r.recorded(), encoded.isEmpty() ? r.path() : r.path() + "?" + encoded);
    }

    private static RecordedRequest withoutQuery(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        return q < 0 ? request : copy(request, path.substring(0, q));
    }

    private static RecordedRequest copy(RecordedRequest request, String path) {
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders(),
                new Buffer(
                        request.getBody() == null
                                ? new byte[0]
                                : request.getBody().getBytes()));
    }

    /** The request with a JSON body in place of its own. */
    private static RecordedRequest copy(RecordedRequest request, String path, String json) {
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders()
                        .newBuilder()
                        .set("Content-Type", "application/json")
                        .build(),
                new Buffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A protobuf body of a kind {@link ProtobufBodies} does not read: what to do instead. */
    private static MockResponse protobufRefused(ApiRequest r) {
        String kind = ProtobufBodies.kind(r.bodyBytes());
        return Statuses.failure(
                415,
                "UnsupportedMediaType",
                "kubectl sent a " + kind + " as protobuf, which the sandbox reads only for a Namespace, ConfigMap or"
                        + " Secret: write the " + kind + " to a file and kubectl apply -f it");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String contentType(String header) {
        return header == null ? "" : header.split(";")[0].trim().toLowerCase();
    }

    /** A resourceVersion as the mock counts them (one number for the whole store); -1 for none or "0". */
    private static long resourceVersion(String value) {
        try {
            return value == null || value.isEmpty() ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
