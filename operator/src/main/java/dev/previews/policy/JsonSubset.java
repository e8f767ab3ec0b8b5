package dev.previews.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether an object read from the API server still holds everything the operator wants in it.
 * Desired fields must be present with equal values; fields the server or other controllers added
 * (defaults, annotations) are allowed; lists must have the same length. Empty desired lists and
 * objects match absent ones, since the server drops them. Pure function.
 */
public final class JsonSubset {
    private JsonSubset() {}

    public static boolean contains(JsonNode actual, JsonNode desired) {
        if (desired == null || desired.isNull() || desired.isMissingNode()) {
            return true;
        }
        if ((desired.isArray() || desired.isObject()) && desired.isEmpty()) {
            return actual == null || actual.isNull() || actual.isMissingNode() || actual.isEmpty();
        }
        if (actual == null || actual.isNull() || actual.isMissingNode()) {
            return false;
        }
        if (desired.isObject()) {
            if (!actual.isObject()) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!contains(actual.get(field.getKey()), field.getValue())) return false;
            }
            return true;
        }
        if (desired.isArray()) {
            if (!actual.isArray() || actual.size() != desired.size()) return false;
            for (int i = 0; i < desired.size(); i++) {
                if (!contains(actual.get(i), desired.get(i))) return false;
            }
            return true;
        }
        if (desired.isNumber() && actual.isNumber()) {
            return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return desired.equals(actual);
    }
}
