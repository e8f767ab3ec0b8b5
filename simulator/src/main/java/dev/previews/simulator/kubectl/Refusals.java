package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * The requests the sandbox refuses, each with a Status that says what to do instead: what it does not
 * do (server-side apply, strategic merge patch, dry runs, protobuf bodies of most kinds) and bodies that
 * cannot be read. Without these the mock would answer with something kubectl misreads, or, for a dry
 * run, make the change.
 */
final class Refusals {
    private static final String STRATEGIC = "application/strategic-merge-patch+json";
    private static final String APPLY = "application/apply-patch+yaml";

    private Refusals() {}

    /** A write the sandbox does not do, answered with what to do instead; null for the others. */
    static MockResponse of(ApiRequest r, ServedResource resource) {
        if (dryRun(r)) {
            return Statuses.failure(
                    400,
                    "BadRequest",
                    "dry run is not supported by the sandbox (it would make the change): leave out --dry-run=server");
        }
        if (!r.method().equals("PATCH")) return null;
        String type = Requests.contentType(r.header("Content-Type"));
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
    static MockResponse unreadable(ApiRequest r) {
        if (!Requests.contentType(r.header("Content-Type")).endsWith("json")
                || r.body().isBlank()) return null;
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

    /** A protobuf body of a kind {@link ProtobufBodies} does not read: what to do instead. */
    static MockResponse protobuf(ApiRequest r) {
        String kind = ProtobufBodies.kind(r.bodyBytes());
        return Statuses.failure(
                415,
                "UnsupportedMediaType",
                "kubectl sent a " + kind + " as protobuf, which the sandbox reads only for a Namespace, ConfigMap or"
                        + " Secret: write the " + kind + " to a file and kubectl apply -f it");
    }
}
