package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.JsonSchema;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI schema of each served kind, for {@code kubectl explain} and for checking objects: a custom
 * resource's from its CRD (with the descriptions written there), a built-in kind's made from fabric8's
 * model by fabric8's CRD generator (its fields and types; the model carries no descriptions). Both get
 * {@code apiVersion}, {@code kind} and {@code metadata}, which a CRD's schema leaves to the API server.
 * A built-in schema takes a while to make (over a second for the first, on two cores), so each is made
 * once, when first asked for.
 */
final class Schemas {
    static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    private final Map<Class<?>, JsonNode> made = new ConcurrentHashMap<>();

    /** The name of a kind's schema in {@code components/schemas}: {@code dev.previews.v1alpha1.PreviewDeployment}. */
    static String name(ServedResource r) {
        if (r.custom()) {
            String[] parts = r.group().split("\\.");
            StringBuilder reversed = new StringBuilder();
            for (int i = parts.length - 1; i >= 0; i--)
                reversed.append(parts[i]).append('.');
            return reversed + r.version() + "." + r.kind();
        }
        String group = r.group().isEmpty() ? "core" : r.group().split("\\.")[0];
        return "io.k8s.api." + group + "." + r.version() + "." + r.kind();
    }

    /** The kind's schema, with {@code metadata} referring to {@link #OBJECT_META}. */
    ObjectNode of(ServedResource r) {
        ObjectNode schema;
        if (r.custom()) {
            JsonNode declared = r.crdVersion().path("schema").path("openAPIV3Schema");
            schema = declared.isObject() ? ((ObjectNode) declared).deepCopy() : openObject();
        } else {
            schema = made.computeIfAbsent(r.model(), Schemas::generate).deepCopy();
            schema.put(
                    "description",
                    r.kind() + " (built-in kind; the sandbox publishes its fields without" + " descriptions)");
        }
        ObjectNode properties =
                schema.has("properties") ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
        properties
                .putObject("apiVersion")
                .put("type", "string")
                .put("description", "APIVersion defines the versioned schema of this representation of an object.");
        properties
                .putObject("kind")
                .put("type", "string")
                .put("description", "Kind is a string value representing the REST resource this object represents.");
        ObjectNode metadata = properties.putObject("metadata");
        metadata.put("description", "Standard object's metadata.");
        metadata.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + OBJECT_META);
        schema.put("type", "object");
        schema.putArray("x-kubernetes-group-version-kind")
                .addObject()
                .put("group", r.group())
                .put("kind", r.kind())
                .put("version", r.version());
        return schema;
    }

    ObjectNode objectMeta() {
        ObjectNode schema =
                made.computeIfAbsent(ObjectMeta.class, Schemas::generate).deepCopy();
        schema.put(
                "description",
                "ObjectMeta is metadata that all persisted resources must have, which includes"
                        + " all objects users must create.");
        return schema;
    }

    private static JsonNode generate(Class<?> type) {
        try {
            return Store.parse(Serialization.asJson(JsonSchema.from(type)));
        } catch (IllegalArgumentException e) {
            // a kind whose model refers to itself (a CRD's JSONSchemaProps) has no finite schema to make
            return openObject();
        }
    }

    private static ObjectNode openObject() {
        return JSON.createObjectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
}
