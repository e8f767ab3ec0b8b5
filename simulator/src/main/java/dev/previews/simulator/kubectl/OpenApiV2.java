package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI v2 document, as kubectl before 1.27 asks for it: protobuf ({@code
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf}), gnostic's openapi_v2.Document, of which
 * it reads the definitions (to check what {@code kubectl apply} sends and for {@code kubectl explain})
 * and, from 1.25, the PATCH operations' {@code fieldValidation} parameter. It is made from the same
 * schemas as the v3 documents ({@link Schemas}): {@code $ref}s point into the definitions, and what
 * Swagger 2.0 has no field for (anyOf, defaults) is left out. Field numbers are those of gnostic's
 * OpenAPIv2.proto.
 */
final class OpenApiV2 {
    /** What the answer says it is: the type kubectl asks for has an '@', which Go's media type parser refuses. */
    static final String CONTENT_TYPE = "application/octet-stream";

    private static final String V3_REF = "#/components/schemas/";

    private OpenApiV2() {}

    /** The document for these resources, with {@code definitions} (schema name: schema) holding their schemas. */
    static byte[] document(List<ServedResource> resources, Map<String, JsonNode> definitions) {
        Proto doc = new Proto().string(1, "2.0");
        doc.message(2, new Proto().string(1, "Kubernetes").string(2, Version.GIT_VERSION));
        Proto paths = new Proto();
        for (ServedResource r : resources) {
            String item =
                    r.groupVersionPath() + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
            Proto fieldValidation =
                    new Proto().string(2, "query").string(4, "fieldValidation").string(6, "string");
            Proto parameter = new Proto().message(1, new Proto().message(2, new Proto().message(3, fieldValidation)));
            Proto patch = new Proto()
                    .message(8, parameter)
                    .message(
                            13,
                            namedAny(
                                    "x-kubernetes-group-version-kind",
                                    "{\"group\":\"" + r.group() + "\",\"kind\":\"" + r.kind() + "\",\"version\":\""
                                            + r.version() + "\"}"));
            paths.message(2, new Proto().string(1, item).message(2, new Proto().message(8, patch)));
        }
        doc.message(8, paths);
        Proto named = new Proto();
        definitions.forEach(
                (name, schema) -> named.message(1, new Proto().string(1, name).message(2, schema(schema))));
        doc.message(9, named);
        return doc.bytes();
    }

    /** gnostic's Schema message for a JSON schema. */
    private static Proto schema(JsonNode s) {
        Proto p = new Proto();
        JsonNode allOf = s.path("allOf");
        String ref = s.path("$ref")
                .asText(allOf.size() == 1 ? allOf.get(0).path("$ref").asText("") : "");
        if (!ref.isEmpty()) p.string(1, "#/definitions/" + ref.substring(V3_REF.length()));
        if (s.has("format")) p.string(2, s.get("format").asText());
        if (s.has("description")) p.string(4, s.get("description").asText());
        if (s.has("maximum")) p.decimal(7, s.get("maximum").asDouble());
        if (s.has("minimum")) p.decimal(9, s.get("minimum").asDouble());
        if (s.has("maxLength")) p.varint(11, s.get("maxLength").asLong());
        if (s.has("minLength")) p.varint(12, s.get("minLength").asLong());
        if (s.has("pattern")) p.string(13, s.get("pattern").asText());
        if (s.has("maxItems")) p.varint(14, s.get("maxItems").asLong());
        if (s.has("minItems")) p.varint(15, s.get("minItems").asLong());
        s.path("required").forEach(r -> p.string(19, r.asText()));
        s.path("enum").forEach(e -> p.message(20, new Proto().string(2, Store.write(e))));
        JsonNode additional = s.path("additionalProperties");
        if (additional.isObject()) p.message(21, new Proto().message(1, schema(additional)));
        if (additional.isBoolean()) p.message(21, new Proto().varint(2, additional.asBoolean() ? 1 : 0));
        if (s.has("type")) p.message(22, new Proto().string(1, s.get("type").asText()));
        if (s.has("items")) p.message(23, new Proto().message(1, schema(s.get("items"))));
        if (s.has("properties")) {
            Proto properties = new Proto();
            s.get("properties")
                    .properties()
                    .forEach(e -> properties.message(
                            1, new Proto().string(1, e.getKey()).message(2, schema(e.getValue()))));
            p.message(25, properties);
        }
        s.properties().stream()
                .filter(e -> e.getKey().startsWith("x-kubernetes-"))
                .forEach(e -> p.message(31, namedAny(e.getKey(), Store.write(e.getValue()))));
        return p;
    }

    /** A vendor extension: its name, and its value as YAML (JSON is YAML). */
    private static Proto namedAny(String name, String yaml) {
        return new Proto().string(1, name).message(2, new Proto().string(2, yaml));
    }

    /** A protobuf message being written, field by field (wire format: varints, 64-bit, length-delimited). */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto string(int field, String value) {
            return lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return lengthDelimited(field, message.bytes());
        }

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto decimal(int field, double value) {
            tag(field, 1);
            long bits = Double.doubleToLongBits(value);
            for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)) & 0xff);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private Proto lengthDelimited(int field, byte[] bytes) {
            tag(field, 2);
            writeVarint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7fL) != 0) {
                out.write((int) ((value & 0x7f) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
