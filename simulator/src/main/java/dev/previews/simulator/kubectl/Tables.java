package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Table form of objects ({@code meta.k8s.io/v1 Table}), which {@code kubectl get} asks for and prints
 * as it comes: a Name column, then a custom resource's {@code additionalPrinterColumns} read with
 * {@link JsonPath} (priority 1 only with {@code -o wide}), or a built-in kind's {@link BuiltinColumns}.
 * Each row carries the object's metadata (or the object, or nothing, as {@code includeObject} asks), from
 * which kubectl takes the namespace for {@code -A} and the labels for {@code --show-labels}.
 */
final class Tables {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NAME_DESCRIPTION =
            "Name must be unique within a namespace. Is required when creating resources, although some resources"
                    + " may allow a client to request the generation of an appropriate name automatically. Name is"
                    + " primarily intended for creation idempotence and configuration definition. Cannot be updated.";

    /** A column: what the table says about it, and how its cell is read from an object. */
    record Column(
            String name,
            String type,
            String format,
            String description,
            int priority,
            Function<JsonNode, JsonNode> cell) {}

    private final Clock clock;
    private final BuiltinColumns builtins;

    Tables(Clock clock) {
        this.clock = clock;
        this.builtins = new BuiltinColumns(clock);
    }

    List<Column> columns(ServedResource resource) {
        Column name = new Column(
                "Name",
                "string",
                "name",
                NAME_DESCRIPTION,
                0,
                o -> o.path("metadata").path("name"));
        if (resource != null && !resource.custom()) return builtins.of(resource.kind(), name);
        List<Column> columns = new ArrayList<>();
        columns.add(name);
        if (resource != null && resource.crdVersion().has("additionalPrinterColumns")) {
            for (JsonNode definition : resource.crdVersion().path("additionalPrinterColumns")) {
                columns.add(printerColumn(definition));
            }
        } else {
            columns.add(age(
                    "Age",
                    "CreationTimestamp is a timestamp representing the server time when this object was created.",
                    0,
                    o -> o.path("metadata").path("creationTimestamp")));
        }
        return columns;
    }

    /** The table of {@code objects}; {@code listMetadata} is the list's (its resourceVersion starts a watch). */
    ObjectNode table(List<Column> columns, List<JsonNode> objects, JsonNode listMetadata, String includeObject) {
        ObjectNode table = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.set("metadata", listMetadata == null ? JSON.createObjectNode() : listMetadata.deepCopy());
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column c : columns) {
            definitions
                    .addObject()
                    .put("name", c.name())
                    .put("type", c.type())
                    .put("format", c.format())
                    .put("description", c.description())
                    .put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            columns.forEach(c -> cells.add(c.cell().apply(object)));
            JsonNode embedded = embedded(object, includeObject);
            if (embedded != null) row.set("object", embedded);
        }
        return table;
    }

    private Column printerColumn(JsonNode definition) {
        String name = definition.path("name").asText();
        String type = definition.path("type").asText("string");
        String path = definition.path("jsonPath").asText();
        String description = definition
                .path("description")
                .asText("Custom resource definition column (in JSONPath format): " + path);
        JsonPath jsonPath;
        try {
            jsonPath = JsonPath.parse(path);
        } catch (IllegalArgumentException e) {
            // a CRD applied later may use JSONPath this does not read: its column says so, the rest still print
            TextNode unsupported = NODES.textNode("<unsupported JSONPath " + path + ">");
            return new Column(
                    name,
                    "string",
                    "",
                    e.getMessage(),
                    definition.path("priority").asInt(0),
                    o -> unsupported);
        }
        Function<JsonNode, JsonNode> first = o -> {
            List<JsonNode> found = jsonPath.find(o);
            return found.isEmpty() ? NullNode.getInstance() : found.get(0);
        };
        int priority = definition.path("priority").asInt(0);
        if (type.equals("date")) return age(name, description, priority, first);
        return new Column(
                name,
                type,
                definition.path("format").asText(""),
                description,
                priority,
                o -> cell(type, first.apply(o)));
    }

    /** A {@code date} column: the time it reads, as an age. */
    private Column age(String name, String description, int priority, Function<JsonNode, JsonNode> timestamp) {
        return new Column(name, "date", "", description, priority, o -> {
            JsonNode value = timestamp.apply(o);
            return value.isTextual()
                    ? NODES.textNode(HumanDuration.since(value.asText(), clock.instant()))
                    : NullNode.getInstance();
        });
    }

    /** As the API server fills a column's cell: a value of another type than the column's is left out. */
    private static JsonNode cell(String type, JsonNode value) {
        if (value.isMissingNode() || value.isNull()) return NullNode.getInstance();
        return switch (type) {
            case "integer" -> value.isNumber() ? NODES.numberNode(value.asLong()) : NullNode.getInstance();
            case "number" -> value.isNumber() ? value : NullNode.getInstance();
            case "boolean" -> value.isBoolean() ? value : NullNode.getInstance();
            default -> NODES.textNode(value.isValueNode() ? value.asText() : Store.write(value));
        };
    }

    private static JsonNode embedded(JsonNode object, String includeObject) {
        if ("None".equals(includeObject)) return null;
        if ("Object".equals(includeObject)) return object;
        ObjectNode partial =
                JSON.createObjectNode().put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
        return partial;
    }
}
