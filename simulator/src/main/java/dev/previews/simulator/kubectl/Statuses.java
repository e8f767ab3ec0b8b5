package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;

/** Failure answers in the API server's form (a {@code Status}), which kubectl prints after "Error from server". */
final class Statuses {
    private Statuses() {}

    static MockResponse failure(int code, String reason, String message) {
        return json(code, status(code, reason, message));
    }

    /** {@code previewdeployments.previews.dev "x" not found}, as the API server words it. */
    static MockResponse notFound(ApiRequest request) {
        return about(request, request.name(), 404, "NotFound", "not found");
    }

    /** {@code previewdeployments.previews.dev "x" already exists}. */
    static MockResponse alreadyExists(ApiRequest request, String name) {
        return about(request, name, 409, "AlreadyExists", "already exists");
    }

    private static MockResponse about(ApiRequest request, String name, int code, String reason, String what) {
        String resource = request.group().isEmpty() ? request.plural() : request.plural() + "." + request.group();
        ObjectNode status = status(code, reason, resource + " \"" + name + "\" " + what);
        status.putObject("details")
                .put("name", name)
                .put("group", request.group())
                .put("kind", request.plural());
        return json(code, status);
    }

    static MockResponse notFound(String message) {
        return failure(404, "NotFound", message);
    }

    static MockResponse json(int code, Object body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(body instanceof String s ? s : Store.write((JsonNode) body));
    }

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code);
        status.putObject("metadata");
        return status;
    }
}
