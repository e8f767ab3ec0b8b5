package dev.previews.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON merge patch as RFC 7386 defines it and the API server applies it ({@code application/merge-patch+json}):
 * an object in the patch merges into the target field by field, {@code null} removes a field, and anything
 * else (a list, a string, a number) replaces what was there. kubectl's client-side apply, edit, annotate
 * and {@code patch --type merge} send such patches and count on a list in the patch replacing the stored one.
 * Pure function: neither argument is changed.
 */
public final class MergePatch {
    private MergePatch() {}

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? null : patch.deepCopy();
        }
        ObjectNode merged = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else {
                merged.set(field.getKey(), apply(merged.get(field.getKey()), field.getValue()));
            }
        }
        return merged;
    }
}
