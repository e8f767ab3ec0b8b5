package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads the protobuf bodies kubectl's typed clients send ({@code kubectl create namespace}, {@code create
 * configmap}, {@code create secret}) into the JSON the mock stores. Kubernetes wraps them in an envelope
 * ({@code k8s\0}, then a runtime.Unknown naming the kind, around the object's own encoding); the field
 * numbers are those of k8s.io/api's generated.proto. Only Namespace, ConfigMap and Secret are read, and
 * of their ObjectMeta what a create sets (name, generateName, namespace, labels, annotations,
 * finalizers); another kind's body is null, for the caller to refuse with a way around.
 */
final class ProtobufBodies {
    static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufBodies() {}

    /** The kind an enveloped body says it is, for the message refusing it. */
    static String kind(byte[] body) {
        return typeMeta(unknown(body))[1];
    }

    /** The object as JSON, or null when its kind is not one read here. */
    static ObjectNode toJson(byte[] body) {
        List<Field> unknown = unknown(body);
        String[] typeMeta = typeMeta(unknown);
        byte[] raw = bytes(unknown, 2);
        ObjectNode object =
                JSON.createObjectNode().put("apiVersion", typeMeta[0]).put("kind", typeMeta[1]);
        List<Field> fields = fields(raw);
        switch (typeMeta[1]) {
            case "Namespace" -> {
                object.set("metadata", metadata(bytes(fields, 1)));
                List<Field> spec = fields(bytes(fields, 2));
                ArrayNode finalizers = JSON.createArrayNode();
                strings(spec, 1).forEach(finalizers::add);
                if (!finalizers.isEmpty()) object.putObject("spec").set("finalizers", finalizers);
            }
            case "ConfigMap" -> {
                object.set("metadata", metadata(bytes(fields, 1)));
                map(fields, 2, false, object, "data");
                map(fields, 3, true, object, "binaryData");
                bool(fields, 4, object, "immutable");
            }
            case "Secret" -> {
                object.set("metadata", metadata(bytes(fields, 1)));
                map(fields, 2, true, object, "data");
                map(fields, 4, false, object, "stringData");
                object.put(
                        "type", string(fields, 3).isEmpty() ? "Opaque" : string(fields, 3)); // the API server's default
                bool(fields, 5, object, "immutable");
            }
            default -> {
                return null;
            }
        }
        return object;
    }

    private static List<Field> unknown(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a Kubernetes protobuf body (no k8s\\0 prefix)");
        }
        return fields(Arrays.copyOfRange(body, MAGIC.length, body.length));
    }

    private static String[] typeMeta(List<Field> unknown) {
        List<Field> typeMeta = fields(bytes(unknown, 1));
        return new String[] {string(typeMeta, 1), string(typeMeta, 2)};
    }

    private static ObjectNode metadata(byte[] encoded) {
        List<Field> fields = fields(encoded);
        ObjectNode metadata = JSON.createObjectNode();
        String[] names = {null, "name", "generateName", "namespace"};
        for (int number = 1; number <= 3; number++) {
            // Kubernetes' encoder writes every string field, set or not: an empty one is one not set
            if (!string(fields, number).isEmpty()) metadata.put(names[number], string(fields, number));
        }
        map(fields, 11, false, metadata, "labels");
        map(fields, 12, false, metadata, "annotations");
        List<String> finalizers = strings(fields, 14);
        if (!finalizers.isEmpty()) finalizers.forEach(metadata.putArray("finalizers")::add);
        return metadata;
    }

    /** A map field (repeated entries of key 1, value 2) into {@code target.name}; bytes values as base64. */
    private static void map(List<Field> fields, int number, boolean bytes, ObjectNode target, String name) {
        ObjectNode map = null;
        for (Field f : fields) {
            if (f.number() != number) continue;
            List<Field> entry = fields(f.bytes());
            if (map == null) map = target.putObject(name);
            byte[] value = bytes(entry, 2);
            map.put(string(entry, 1), bytes ? Base64.getEncoder().encodeToString(value) : utf8(value));
        }
    }

    private static void bool(List<Field> fields, int number, ObjectNode target, String name) {
        fields.stream().filter(f -> f.number() == number).forEach(f -> target.put(name, f.varint() != 0));
    }

    /** One field of a message: its number, and its value (a varint, or the bytes of a length-delimited one). */
    record Field(int number, long varint, byte[] bytes) {}

    /** The fields of an encoded message, in order (protobuf's wire format). */
    static List<Field> fields(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int[] at = {0};
        while (at[0] < message.length) {
            long key = varint(message, at);
            int number = (int) (key >>> 3);
            switch ((int) (key & 7)) {
                case 0 -> fields.add(new Field(number, varint(message, at), new byte[0]));
                case 1 -> at[0] += 8;
                case 2 -> {
                    int length = (int) varint(message, at);
                    if (length < 0 || at[0] + length > message.length) throw malformed();
                    fields.add(new Field(number, 0, Arrays.copyOfRange(message, at[0], at[0] + length)));
                    at[0] += length;
                }
                case 5 -> at[0] += 4;
                default -> throw malformed();
            }
        }
        return fields;
    }

    private static long varint(byte[] message, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= message.length) throw malformed();
            byte b = message[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw malformed();
    }

    private static byte[] bytes(List<Field> fields, int number) {
        ByteArrayOutputStream last = new ByteArrayOutputStream();
        fields.stream()
                .filter(f -> f.number() == number)
                .reduce((a, b) -> b)
                .ifPresent(f -> last.writeBytes(f.bytes()));
        return last.toByteArray();
    }

    private static String string(List<Field> fields, int number) {
        return utf8(bytes(fields, number));
    }

    private static List<String> strings(List<Field> fields, int number) {
        return fields.stream()
                .filter(f -> f.number() == number)
                .map(f -> utf8(f.bytes()))
                .toList();
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException malformed() {
        return new IllegalArgumentException("malformed protobuf body");
    }
}
