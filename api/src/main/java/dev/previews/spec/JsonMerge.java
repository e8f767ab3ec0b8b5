package dev.previews.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge (RFC 7386 without deletions): objects merge field by field, lists and values of the
 * overlay replace those of the base. Used to lay the operator's fields over an object read from
 * the server, keeping what others own (a Service's clusterIP, annotations of other controllers).
 * Pure function: the base is copied, not changed.
 */
public final class JsonMerge {
    private JsonMerge() {}

    public static JsonNode overlay(JsonNode base, JsonNode overlay) {
        if (base == null || !base.isObject() || overlay == null || !overlay.isObject()) {
            return overlay == null ? base : overlay.deepCopy();
        }
        ObjectNode merged = ((ObjectNode) base).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue() == null || field.getValue().isNull()) continue;
            merged.set(field.getKey(), overlay(merged.get(field.getKey()), field.getValue()));
        }
        return merged;
    }
}
