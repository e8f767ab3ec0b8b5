package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.JsonMerge;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a PreviewDeployment that `deploy` sets (from a template file and flags), and how it is
 * laid over the stored preview: objects merge field by field, so whatever deploy does not set (other
 * labels and annotations, resources someone added, fields of a newer CRD) stays; environment lists
 * merge by variable name; other lists are replaced.
 */
final class PreviewManifest {
    private PreviewManifest() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Lists of named entries that merge by name instead of being replaced. */
    static final List<List<String>> NAMED_LISTS =
            List.of(List.of("spec", "backend", "env"), List.of("spec", "seed", "env"));

    /** A new, empty overlay: apiVersion and kind only. */
    static ObjectNode empty() {
        ObjectNode o = NODES.objectNode();
        o.put("apiVersion", PreviewDeployment.API_VERSION);
        o.put("kind", PreviewDeployment.KIND);
        return o;
    }

    /**
     * Reads a template (YAML or JSON PreviewDeployment) into an overlay: its spec, labels and
     * annotations, and its name and namespace if it has them. Unknown fields are refused (a typo would
     * otherwise be dropped silently).
     */
    static ObjectNode readTemplate(Path file, KubernetesSerialization json) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw CliFailure.invalid("cannot read the template " + file + ": " + Failures.rootMessage(e));
        }
        JsonNode node;
        try {
            node = json.unmarshal(text, JsonNode.class);
        } catch (RuntimeException e) {
            throw CliFailure.invalid("the template " + file + " is not valid YAML or JSON: " + Failures.rootMessage(e));
        }
        if (node == null || !node.isObject()) {
            throw CliFailure.invalid(
                    "the template " + file + " is not a PreviewDeployment manifest (expected a YAML or JSON object)");
        }
        String kind = node.path("kind").asText(PreviewDeployment.KIND);
        String apiVersion = node.path("apiVersion").asText(PreviewDeployment.API_VERSION);
        if (!PreviewDeployment.KIND.equals(kind) || !PreviewDeployment.API_VERSION.equals(apiVersion)) {
            throw CliFailure.invalid("the template " + file + " is a " + apiVersion + " " + kind + ", not a "
                    + PreviewDeployment.API_VERSION + " " + PreviewDeployment.KIND);
        }
        ObjectNode overlay = empty();
        ObjectNode metadata = overlay.putObject("metadata");
        JsonNode meta = node.path("metadata");
        for (String field : List.of("name", "namespace", "labels", "annotations")) {
            if (meta.hasNonNull(field)) metadata.set(field, meta.get(field).deepCopy());
        }
        if (node.hasNonNull("spec")) {
            overlay.set("spec", node.get("spec").deepCopy());
        }
        try {
            json.convertValue(overlay, PreviewDeployment.class);
        } catch (IllegalArgumentException e) {
            throw CliFailure.invalid(
                    "the template " + file + " does not fit the PreviewDeployment schema: " + Failures.jsonProblem(e));
        }
        return overlay;
    }

    /** The object at the path inside the overlay, created when absent. */
    static ObjectNode at(ObjectNode root, String... path) {
        ObjectNode node = root;
        for (String field : path) {
            JsonNode next = node.get(field);
            node = next != null && next.isObject() ? (ObjectNode) next : node.putObject(field);
        }
        return node;
    }

    /** Adds name=value entries to the env list at the path, replacing entries of the same name. */
    static void putEnv(ObjectNode root, Map<String, String> values, String... path) {
        if (values.isEmpty()) return;
        ObjectNode parent = at(root, path);
        ArrayNode ours = NODES.arrayNode();
        values.forEach((name, value) -> ours.addObject().put("name", name).put("value", value));
        JsonNode current = parent.get("env");
        parent.set("env", current != null && current.isArray() ? mergeByName((ArrayNode) current, ours) : ours);
    }

    /** Lays the overlay over the stored preview (see the class comment). The stored object is not changed. */
    static ObjectNode overlay(ObjectNode stored, ObjectNode overlay) {
        ObjectNode prepared = overlay.deepCopy();
        for (List<String> path : NAMED_LISTS) {
            JsonNode mine = get(prepared, path);
            JsonNode theirs = get(stored, path);
            if (mine != null && mine.isArray() && theirs != null && theirs.isArray()) {
                ((ObjectNode) get(prepared, path.subList(0, path.size() - 1)))
                        .set(path.get(path.size() - 1), mergeByName((ArrayNode) theirs, (ArrayNode) mine));
            }
        }
        return (ObjectNode) JsonMerge.overlay(stored, prepared);
    }

    private static JsonNode get(JsonNode root, List<String> path) {
        JsonNode node = root;
        for (String field : path) {
            node = node == null ? null : node.get(field);
        }
        return node;
    }

    /** Entries of base in their order, each replaced by the overlay's entry of the same name; then the overlay's new ones. */
    static ArrayNode mergeByName(ArrayNode base, ArrayNode overlay) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        List<JsonNode> unnamed = new ArrayList<>();
        for (JsonNode e : base) {
            if (e.hasNonNull("name")) byName.put(e.get("name").asText(), e);
            else unnamed.add(e);
        }
        for (JsonNode e : overlay) {
            if (e.hasNonNull("name")) byName.put(e.get("name").asText(), e);
            else unnamed.add(e);
        }
        ArrayNode merged = NODES.arrayNode();
        byName.values().forEach(e -> merged.add(e.deepCopy()));
        unnamed.forEach(e -> merged.add(e.deepCopy()));
        return merged;
    }
}
