package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks an object against its OpenAPI schema as the API server checks a custom resource: the type of
 * every value, {@code required}, {@code enum}, {@code pattern}, lengths, ranges and item counts, and the
 * one kind of CEL rule this project's CRD has, {@code self == oldSelf} (a field that cannot change once
 * set). Other CEL rules are not evaluated. Fields the schema does not declare are collected apart, and
 * pruned: the API server refuses them only when the client asks for strict field validation (kubectl
 * does), and otherwise drops them. The schema's defaults are set where a field is absent, as the API
 * server sets them. The messages are worded as the API server's.
 */
final class SchemaCheck {
    /** A value the schema refuses: the field's path, the API server's reason, and its message. */
    record Problem(String field, String reason, String message) {}

    /**
     * What the check found: {@code unknown} are the paths of undeclared fields, and {@code stored} is the
     * object as the API server would store it, without them and with the defaults set (a copy; the
     * object checked is not changed).
     */
    record Result(List<Problem> problems, List<String> unknown, JsonNode stored) {}

    private static final String SELF_EQUALS_OLD_SELF = "self == oldSelf";

    private final Function<String, JsonNode> refs;
    private final boolean values;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> unknown = new ArrayList<>();

    private SchemaCheck(Function<String, JsonNode> refs, boolean values) {
        this.refs = refs;
        this.values = values;
    }

    /**
     * @param refs the schema a {@code $ref} names ({@code #/components/schemas/NAME})
     * @param old the object before the change, null for a create
     * @param values whether to check values and set defaults too, or only look for undeclared fields (a
     *     built-in kind's schema, made from fabric8's model, is trusted for its field names, not for every
     *     constraint)
     */
    static Result check(
            JsonNode schema, JsonNode object, JsonNode old, Function<String, JsonNode> refs, boolean values) {
        SchemaCheck check = new SchemaCheck(refs, values);
        JsonNode stored = object.deepCopy();
        check.walk(schema, stored, old, "");
        return new Result(List.copyOf(check.problems), List.copyOf(check.unknown), stored);
    }

    private void walk(JsonNode schema, JsonNode value, JsonNode old, String path) {
        for (JsonNode part : schema.path("allOf")) walk(resolve(part), value, old, path);
        schema = resolve(schema);
        if (value == null || value.isMissingNode() || value.isNull()) return;
        if (!typeMatches(schema, value)) {
            if (values) {
                String type = schema.path("type").asText();
                problems.add(new Problem(
                        path,
                        "FieldValueInvalid",
                        "Invalid value: \"" + kind(value) + "\": " + path + " in body must be of type " + type + ": \""
                                + kind(value) + "\""));
            }
            return;
        }
        if (values) values(schema, value, path);
        rules(schema, value, old, path);
        if (value.isObject()) fields(schema, value, old, path);
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) walk(schema.get("items"), value.get(i), null, path + "[" + i + "]");
        }
    }

    private void fields(JsonNode schema, JsonNode value, JsonNode old, String path) {
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean open =
                schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) || additional.asBoolean(false);
        if (values) {
            // defaults first, as the API server sets them before it checks
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                if (property.getValue().has("default") && !value.has(property.getKey())) {
                    ((ObjectNode) value)
                            .set(
                                    property.getKey(),
                                    property.getValue().get("default").deepCopy());
                }
            }
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())
                        || value.get(required.asText()).isNull()) {
                    problems.add(new Problem(join(path, required.asText()), "FieldValueRequired", "Required value"));
                }
            }
        }
        List<String> undeclared = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            String fieldPath = join(path, field.getKey());
            JsonNode oldField = old == null ? null : old.get(field.getKey());
            if (properties.has(field.getKey())) {
                walk(properties.get(field.getKey()), field.getValue(), oldField, fieldPath);
            } else if (additional.isObject()) {
                walk(additional, field.getValue(), oldField, fieldPath);
            } else if (!open && !properties.isMissingNode()) {
                unknown.add(fieldPath);
                undeclared.add(field.getKey());
            }
        }
        ((ObjectNode) value).remove(undeclared); // pruned, as the API server prunes what its schema does not declare
    }

    private void values(JsonNode schema, JsonNode value, String path) {
        String field = path.isEmpty() ? "body" : path;
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            List<String> supported = new ArrayList<>();
            schema.get("enum").forEach(e -> supported.add("\"" + e.asText() + "\""));
            problems.add(new Problem(
                    path,
                    "FieldValueNotSupported",
                    "Unsupported value: " + quoted(value) + ": supported values: " + String.join(", ", supported)));
        }
        if (value.isTextual()) {
            String text = value.asText();
            if (schema.has("pattern")
                    && !Pattern.compile(schema.get("pattern").asText())
                            .matcher(text)
                            .find()) {
                problems.add(invalid(
                        path,
                        value,
                        field + " in body should match '"
                                + schema.get("pattern").asText() + "'"));
            }
            if (schema.has("minLength")
                    && text.length() < schema.get("minLength").asInt()) {
                problems.add(invalid(
                        path,
                        value,
                        field + " in body should be at least "
                                + schema.get("minLength").asInt() + " chars long"));
            }
            if (schema.has("maxLength")
                    && text.length() > schema.get("maxLength").asInt()) {
                problems.add(invalid(
                        path,
                        value,
                        field + " in body should be at most "
                                + schema.get("maxLength").asInt() + " chars long"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(invalid(
                        path,
                        value,
                        field + " in body should be greater than or equal to " + number(schema.get("minimum"))));
            }
            if (schema.has("maximum")
                    && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(invalid(
                        path,
                        value,
                        field + " in body should be less than or equal to " + number(schema.get("maximum"))));
            }
        }
        if (value.isArray()
                && schema.has("maxItems")
                && value.size() > schema.get("maxItems").asInt()) {
            problems.add(new Problem(
                    path,
                    "FieldValueTooMany",
                    "Too many: " + value.size() + ": must have at most "
                            + schema.get("maxItems").asInt() + " items"));
        }
    }

    /** The CEL rules; only {@code self == oldSelf} is understood, and only on an update. */
    private void rules(JsonNode schema, JsonNode value, JsonNode old, String path) {
        if (old == null || old.isMissingNode() || old.isNull()) return;
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            if (rule.path("rule").asText().replace(" ", "").equals(SELF_EQUALS_OLD_SELF.replace(" ", ""))
                    && !value.equals(old)) {
                String message = rule.path("message").asText("Invalid value: \"object\": failed rule: self == oldSelf");
                problems.add(invalid(path, value, message));
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.isEmpty()) return schema;
        JsonNode resolved = refs.apply(ref.substring(ref.lastIndexOf('/') + 1));
        return resolved == null ? schema : resolved;
    }

    private static boolean typeMatches(JsonNode schema, JsonNode value) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return value.isIntegralNumber() || value.isTextual();
        }
        return switch (schema.path("type").asText("")) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" ->
                value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static Problem invalid(String path, JsonNode value, String message) {
        return new Problem(path, "FieldValueInvalid", "Invalid value: " + quoted(value) + ": " + message);
    }

    /** A value as the API server quotes it: strings in quotes, numbers bare, anything else by its kind. */
    private static String quoted(JsonNode value) {
        if (value.isTextual()) return "\"" + value.asText() + "\"";
        if (value.isNumber() || value.isBoolean()) return value.asText();
        return "\"" + kind(value) + "\"";
    }

    private static String kind(JsonNode value) {
        if (value.isObject()) return "object";
        if (value.isArray()) return "array";
        if (value.isTextual()) return "string";
        if (value.isIntegralNumber()) return "integer";
        if (value.isNumber()) return "number";
        if (value.isBoolean()) return "boolean";
        return "null";
    }

    private static String number(JsonNode n) {
        return n.asDouble() == Math.rint(n.asDouble()) ? String.valueOf(n.asLong()) : n.asText();
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode e : array) if (e.equals(value)) return true;
        return false;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
