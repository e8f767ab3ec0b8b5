package dev.previews.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.Map;

/**
 * Resource quantities by value. A real API server stores quantities in canonical form (cpu 0.25
 * becomes 250m, memory 1024Mi becomes 1Gi), so comparing what the operator wants with what the server
 * holds must compare the amounts, not the strings. Pure function.
 */
public final class Quantities {
    private Quantities() {}

    /**
     * A copy of the JSON tree in which every value of a {@code resources.requests} or
     * {@code resources.limits} map is replaced by its plain decimal amount (e.g. "0.25" and "250m" both
     * become "0.25"); values that are not quantities stay as they are.
     */
    public static JsonNode byValue(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        normalize(copy);
        return copy;
    }

    private static void normalize(JsonNode node) {
        if (node.isArray()) {
            node.forEach(Quantities::normalize);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("resources") && field.getValue().isObject()) {
                amounts(field.getValue().get("requests"));
                amounts(field.getValue().get("limits"));
            }
            normalize(field.getValue());
        }
    }

    private static void amounts(JsonNode map) {
        if (map == null || !map.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) map;
        object.fieldNames().forEachRemaining(name -> {
            JsonNode value = object.get(name);
            if (value.isTextual() || value.isNumber()) {
                try {
                    object.put(
                            name,
                            Quantity.parse(value.asText())
                                    .getNumericalAmount()
                                    .stripTrailingZeros()
                                    .toPlainString());
                } catch (RuntimeException notAQuantity) {
                    // left as it is: compared as a string
                }
            }
        });
    }
}
