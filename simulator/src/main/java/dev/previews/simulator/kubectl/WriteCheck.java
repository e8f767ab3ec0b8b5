package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.simulator.MergePatch;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks a create, update or patch through the front against the kind's schema before the mock stores
 * it ({@link SchemaCheck}), and answers as the API server does: 422 Invalid for a value the schema
 * refuses (custom resources: the CRD's schema is the contract), and for fields the schema does not
 * declare, what the request's {@code fieldValidation} asks: {@code Strict} (kubectl's default for apply
 * and create) 400 with the fields named; {@code Warn} (the default) a warning header and the fields
 * dropped; {@code Ignore} the fields dropped. A custom resource gets its schema's defaults. Dropping
 * matters beyond fidelity: the operator reads its previews into its model, which refuses fields it does
 * not know, so one stored undeclared field would stop it. A patch is checked by applying it here to the
 * stored object; when fields must be dropped or defaults set, the result is stored with a PUT
 * conditioned on the version it was computed from.
 */
final class WriteCheck {
    /**
     * What to do with a write: refuse it; or send {@code request} to the mock (the original, or the object
     * as the API server would store it: undeclared fields left out, defaults set) and add these warnings
     * to its answer.
     */
    record Verdict(MockResponse refusal, RecordedRequest request, List<String> warnings) {}

    private final Store store;
    private final Schemas schemas;

    WriteCheck(Store store, Schemas schemas) {
        this.store = store;
        this.schemas = schemas;
    }

    /** @param toMock the request the mock would get if nothing needs to change */
    Verdict check(ApiRequest r, ServedResource resource, RecordedRequest toMock) {
        Verdict pass = new Verdict(null, toMock, List.of());
        if (resource == null || r.subresource() != null) return pass;
        JsonNode before = r.method().equals("POST") ? null : stored(r);
        JsonNode after = after(r, before);
        if (after == null || !after.isObject()) return pass;
        SchemaCheck.Result result =
                SchemaCheck.check(schemas.of(resource), after, before, this::schema, resource.custom());
        String name = r.name() != null
                ? r.name()
                : after.path("metadata").path("name").asText();
        if (!result.problems().isEmpty())
            return new Verdict(invalid(resource, name, result.problems()), null, List.of());
        if (result.stored().equals(after)) return pass;
        List<String> unknown = result.unknown().stream()
                .map(field -> "unknown field \"" + field + "\"")
                .toList();
        String mode = r.param("fieldValidation") == null ? "Warn" : r.param("fieldValidation");
        if (mode.equals("Strict") && !unknown.isEmpty()) {
            String message = resource.kind() + " in version \"" + resource.version() + "\" cannot be handled as a "
                    + resource.kind() + ": strict decoding error: " + String.join(", ", unknown);
            return new Verdict(Statuses.failure(400, "BadRequest", message), null, List.of());
        }
        // a patch's result keeps the stored resourceVersion (unless the patch set one): the PUT fails on a newer one
        JsonNode stored = result.stored();
        RecordedRequest rewritten = new RecordedRequest(
                toMock.getHttpVersion(),
                r.method().equals("PATCH") ? HttpMethod.PUT : toMock.method(),
                toMock.getPath(),
                toMock.getHeaders()
                        .newBuilder()
                        .set("Content-Type", "application/json")
                        .build(),
                new Buffer(Store.write(stored).getBytes(StandardCharsets.UTF_8)));
        return new Verdict(null, rewritten, mode.equals("Warn") ? unknown : List.of());
    }

    private JsonNode schema(String name) {
        return name.equals(Schemas.OBJECT_META) ? schemas.objectMeta() : null;
    }

    private JsonNode stored(ApiRequest r) {
        MockResponse found = store.dispatchGet(r.path());
        return found.code() == 200 ? Store.parse(Store.body(found)) : null;
    }

    /** The object as it will be stored; null when that cannot be known here (the mock then answers as it does). */
    private static JsonNode after(ApiRequest r, JsonNode before) {
        JsonNode body;
        try {
            body = Store.parse(r.body());
        } catch (RuntimeException e) {
            return null;
        }
        if (!r.method().equals("PATCH")) return body;
        if (before == null) return null;
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type");
        try {
            if (type.startsWith("application/merge-patch+json")) return MergePatch.apply(before, body);
            if (type.startsWith("application/json-patch+json")) return JsonPatch.apply(body, before);
        } catch (RuntimeException e) {
            return null; // a patch that does not apply: the mock's answer says so
        }
        return null;
    }

    /** 422 Invalid, worded and detailed as the API server's. */
    private static MockResponse invalid(ServedResource resource, String name, List<SchemaCheck.Problem> problems) {
        List<String> lines =
                problems.stream().map(p -> p.field() + ": " + p.message()).toList();
        String all = lines.size() == 1 ? lines.get(0) : "[" + String.join(", ", lines) + "]";
        String qualifiedKind = resource.group().isEmpty() ? resource.kind() : resource.kind() + "." + resource.group();
        ObjectNode status = JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("message", qualifiedKind + " \"" + name + "\" is invalid: " + all)
                .put("reason", "Invalid")
                .put("code", 422);
        status.putObject("metadata");
        ObjectNode details = status.putObject("details")
                .put("name", name)
                .put("group", resource.group())
                .put("kind", resource.kind());
        ArrayNode causes = details.putArray("causes");
        problems.forEach(p -> causes.addObject()
                .put("reason", p.reason())
                .put("message", p.message())
                .put("field", p.field()));
        return Statuses.json(422, status);
    }
}
