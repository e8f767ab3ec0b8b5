package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI v3 documents: {@code /openapi/v3} lists one document per group version, and each
 * document has the group version's paths and the schemas of its kinds ({@link Schemas}). kubectl reads
 * them for two things: {@code kubectl explain} prints a kind's schema, and before {@code kubectl apply} or
 * {@code create} it looks for the {@code fieldValidation} parameter on the kind's PATCH operation; finding
 * it, it leaves the check of the object to the server and sends {@code fieldValidation=Strict}, instead
 * of downloading the OpenAPI v2 document (protobuf, which the sandbox does not serve) to check it
 * itself. Strategic merge patch is not listed, since the sandbox does not take it.
 */
final class OpenApi {
    private static final String PREFIX = "/openapi/v3/";
    private static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

    private final ServedResources served;
    private final Schemas schemas;

    OpenApi(ServedResources served, Schemas schemas) {
        this.served = served;
        this.schemas = schemas;
    }

    MockResponse answer(String path) {
        Map<String, List<ServedResource>> byGroupVersion = byGroupVersion();
        if (path.equals("/openapi/v3") || path.equals(PREFIX)) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode paths = root.putObject("paths");
            byGroupVersion.forEach((gv, resources) ->
                    paths.putObject(gv).put("serverRelativeURL", PREFIX + gv + "?hash=" + hash(resources)));
            return Statuses.json(200, root);
        }
        List<ServedResource> resources = byGroupVersion.get(path.substring(PREFIX.length()));
        if (resources == null) return Statuses.notFound("no OpenAPI document at " + path);
        return Statuses.json(200, document(resources));
    }

    /** {@code GET /openapi/v2}: every kind's schema in one document, as protobuf ({@link OpenApiV2}). */
    MockResponse v2() {
        Map<String, JsonNode> definitions = new LinkedHashMap<>();
        List<ServedResource> all = served.all();
        all.forEach(r -> definitions.put(Schemas.name(r), schemas.of(r)));
        definitions.put(Schemas.OBJECT_META, schemas.objectMeta());
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", OpenApiV2.CONTENT_TYPE)
                .setBody(OpenApiV2.document(all, definitions));
    }

    private ObjectNode document(List<ServedResource> resources) {
        ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", Version.GIT_VERSION);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode components = doc.putObject("components").putObject("schemas");
        for (ServedResource r : resources) {
            String base = r.groupVersionPath() + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
            ObjectNode collection = paths.putObject(base);
            operation(collection, "get", "list", r, "list objects of kind " + r.kind());
            operation(collection, "post", "post", r, "create a " + r.kind());
            ObjectNode item = paths.putObject(base + "/{name}");
            operation(item, "get", "get", r, "read the specified " + r.kind());
            operation(item, "put", "put", r, "replace the specified " + r.kind());
            operation(item, "patch", "patch", r, "partially update the specified " + r.kind());
            operation(item, "delete", "delete", r, "delete a " + r.kind());
            if (r.hasStatusSubresource()) {
                ObjectNode status = paths.putObject(base + "/{name}/status");
                operation(status, "get", "get", r, "read status of the specified " + r.kind());
                operation(status, "patch", "patch", r, "partially update status of the specified " + r.kind());
            }
            components.set(Schemas.name(r), schemas.of(r));
        }
        components.set(Schemas.OBJECT_META, schemas.objectMeta());
        components
                .putObject(PATCH)
                .put("type", "object")
                .put(
                        "description",
                        "Patch is provided to give a concrete name and type to the Kubernetes PATCH"
                                + " request body.");
        return doc;
    }

    private static void operation(ObjectNode path, String method, String action, ServedResource r, String what) {
        ObjectNode op = path.putObject(method).put("description", what);
        ArrayNode parameters = op.putArray("parameters");
        if (method.equals("patch") || method.equals("put") || method.equals("post")) {
            parameter(parameters, "dryRun", "not supported by the sandbox");
            parameter(parameters, "fieldManager", "a name associated with the actor or entity making the changes");
            parameter(
                    parameters,
                    "fieldValidation",
                    "Ignore, Warn or Strict: what the server does with an object"
                            + " that has unknown or duplicate fields");
        }
        String ref = "#/components/schemas/" + Schemas.name(r);
        if (method.equals("patch")) {
            ObjectNode content =
                    op.putObject("requestBody").put("required", true).putObject("content");
            for (String type : List.of("application/json-patch+json", "application/merge-patch+json")) {
                content.putObject(type).putObject("schema").put("$ref", "#/components/schemas/" + PATCH);
            }
        } else if (method.equals("put") || method.equals("post")) {
            op.putObject("requestBody")
                    .put("required", true)
                    .putObject("content")
                    .putObject("application/json")
                    .putObject("schema")
                    .put("$ref", ref);
        }
        op.putObject("responses")
                .putObject("200")
                .put("description", "OK")
                .putObject("content")
                .putObject("application/json")
                .putObject("schema")
                .put("$ref", ref);
        op.put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind")
                .put("group", r.group())
                .put("kind", r.kind())
                .put("version", r.version());
    }

    private static void parameter(ArrayNode parameters, String name, String description) {
        parameters
                .addObject()
                .put("name", name)
                .put("in", "query")
                .put("description", description)
                .putObject("schema")
                .put("type", "string");
    }

    /** Group versions by their document's path: {@code api/v1}, {@code apis/previews.dev/v1alpha1}. */
    private Map<String, List<ServedResource>> byGroupVersion() {
        Map<String, List<ServedResource>> byGroupVersion = new LinkedHashMap<>();
        for (ServedResource r : served.all()) {
            byGroupVersion
                    .computeIfAbsent(r.groupVersionPath().substring(1), k -> new java.util.ArrayList<>())
                    .add(r);
        }
        return byGroupVersion;
    }

    /** Changes when a CRD's version changes, so that a client's cached copy is not taken for the new one. */
    private static String hash(List<ServedResource> resources) {
        StringBuilder text = new StringBuilder(Version.GIT_VERSION);
        resources.forEach(r -> text.append(r.kind()).append(r.custom() ? Store.write(r.crdVersion()) : ""));
        return String.format("%08X", text.toString().hashCode());
    }
}
