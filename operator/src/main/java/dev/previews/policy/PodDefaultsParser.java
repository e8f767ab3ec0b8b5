package dev.previews.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.policy.ConfigLoader.ConfigException;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A plan's {@code defaults}: {@code env}, {@code envFrom}, {@code imagePullSecrets}, {@code resources}
 * and {@code seedResources}, written as in a pod spec. What the API server would refuse in every
 * preview's Deployment (an unknown key, a name that is not a variable or object name, a quantity that
 * does not parse, a request above its limit, an entry given twice) is refused here, at start, with one
 * line naming the key.
 */
final class PodDefaultsParser {
    private PodDefaultsParser() {}

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final Set<String> KEYS = Set.of("env", "envFrom", "imagePullSecrets", "resources", "seedResources");
    private static final Set<String> ENV = Set.of("name", "value", "valueFrom");
    private static final Set<String> VALUE_FROM =
            Set.of("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef");
    private static final Set<String> KEY_REF = Set.of("name", "key", "optional");
    private static final Set<String> FIELD_REF = Set.of("fieldPath", "apiVersion");
    private static final Set<String> RESOURCE_FIELD_REF = Set.of("resource", "containerName", "divisor");
    private static final Set<String> ENV_FROM = Set.of("configMapRef", "secretRef", "prefix");
    private static final Set<String> SOURCE_REF = Set.of("name", "optional");
    private static final Set<String> NAME_ONLY = Set.of("name");
    private static final Set<String> RESOURCES = Set.of("requests", "limits");

    /** As the API server checks environment variable names (and envFrom prefixes). */
    private static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

    static PodDefaults parse(JsonNode node, String key) throws ConfigException {
        if (node == null || node.isNull()) return PodDefaults.NONE;
        ConfigLoader.object(node, key);
        ConfigLoader.unknownKeys(node, KEYS, key + ".");
        return new PodDefaults(
                env(node.get("env"), key + ".env"),
                envFrom(node.get("envFrom"), key + ".envFrom"),
                imagePullSecrets(node.get("imagePullSecrets"), key + ".imagePullSecrets"),
                resources(node.get("resources"), key + ".resources"),
                resources(node.get("seedResources"), key + ".seedResources"));
    }

    private static List<EnvVar> env(JsonNode list, String key) throws ConfigException {
        List<EnvVar> env = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < size(list, key); i++) {
            String at = key + "[" + i + "]";
            JsonNode item = ConfigLoader.object(list.get(i), at);
            ConfigLoader.unknownKeys(item, ENV, at + ".");
            String name = matching(item.get("name"), at + ".name", ENV_NAME, "an environment variable name");
            if (!names.add(name)) throw new ConfigException(at + ".name: " + name + " is given twice");
            boolean value = item.has("value") && !item.get("value").isNull();
            boolean valueFrom = item.has("valueFrom") && !item.get("valueFrom").isNull();
            if (value && valueFrom) throw new ConfigException(at + ": value and valueFrom exclude each other");
            if (value && !item.get("value").isValueNode()) {
                throw new ConfigException(at + ".value: expected a value");
            }
            if (valueFrom) valueFrom(item.get("valueFrom"), at + ".valueFrom");
            env.add(JSON.convertValue(item, EnvVar.class));
        }
        return env;
    }

    private static void valueFrom(JsonNode node, String key) throws ConfigException {
        ConfigLoader.object(node, key);
        ConfigLoader.unknownKeys(node, VALUE_FROM, key + ".");
        if (node.size() != 1) {
            throw new ConfigException(key + ": expected exactly one of " + String.join(", ", sorted(VALUE_FROM)));
        }
        String kind = node.fieldNames().next();
        JsonNode ref = ConfigLoader.object(node.get(kind), key + "." + kind);
        String at = key + "." + kind;
        switch (kind) {
            case "configMapKeyRef", "secretKeyRef" -> {
                ConfigLoader.unknownKeys(ref, KEY_REF, at + ".");
                matching(ref.get("name"), at + ".name", DNS_SUBDOMAIN, "an object name");
                ConfigLoader.text(ref.get("key"), at + ".key");
                optional(ref, at);
            }
            case "fieldRef" -> {
                ConfigLoader.unknownKeys(ref, FIELD_REF, at + ".");
                ConfigLoader.text(ref.get("fieldPath"), at + ".fieldPath");
            }
            default -> {
                ConfigLoader.unknownKeys(ref, RESOURCE_FIELD_REF, at + ".");
                ConfigLoader.text(ref.get("resource"), at + ".resource");
                if (ref.has("divisor")) quantity(ref.get("divisor"), at + ".divisor");
            }
        }
    }

    private static List<EnvFromSource> envFrom(JsonNode list, String key) throws ConfigException {
        List<EnvFromSource> sources = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < size(list, key); i++) {
            String at = key + "[" + i + "]";
            JsonNode item = ConfigLoader.object(list.get(i), at);
            ConfigLoader.unknownKeys(item, ENV_FROM, at + ".");
            boolean configMap = item.hasNonNull("configMapRef");
            boolean secret = item.hasNonNull("secretRef");
            if (configMap == secret)
                throw new ConfigException(at + ": expected exactly one of configMapRef, secretRef");
            String kind = configMap ? "configMapRef" : "secretRef";
            JsonNode ref = ConfigLoader.object(item.get(kind), at + "." + kind);
            ConfigLoader.unknownKeys(ref, SOURCE_REF, at + "." + kind + ".");
            matching(ref.get("name"), at + "." + kind + ".name", DNS_SUBDOMAIN, "an object name");
            optional(ref, at + "." + kind);
            if (item.hasNonNull("prefix")) {
                matching(item.get("prefix"), at + ".prefix", ENV_NAME, "the start of an environment variable name");
            }
            EnvFromSource source = JSON.convertValue(item, EnvFromSource.class);
            if (!seen.add(PodDefaults.source(source))) {
                throw new ConfigException(at + ": the same " + kind + " (name and prefix) is given twice");
            }
            sources.add(source);
        }
        return sources;
    }

    private static List<LocalObjectReference> imagePullSecrets(JsonNode list, String key) throws ConfigException {
        List<LocalObjectReference> secrets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < size(list, key); i++) {
            String at = key + "[" + i + "]";
            JsonNode item = ConfigLoader.object(list.get(i), at);
            ConfigLoader.unknownKeys(item, NAME_ONLY, at + ".");
            String name = matching(item.get("name"), at + ".name", DNS_SUBDOMAIN, "a Secret name");
            if (!names.add(name)) throw new ConfigException(at + ".name: " + name + " is given twice");
            secrets.add(new LocalObjectReference(name));
        }
        return secrets;
    }

    private static ResourceRequirements resources(JsonNode node, String key) throws ConfigException {
        if (node == null || node.isNull()) return null;
        ConfigLoader.object(node, key);
        ConfigLoader.unknownKeys(node, RESOURCES, key + ".");
        Map<String, Quantity> requests = quantities(node.get("requests"), key + ".requests");
        Map<String, Quantity> limits = quantities(node.get("limits"), key + ".limits");
        for (Map.Entry<String, Quantity> request : requests.entrySet()) {
            Quantity limit = limits.get(request.getKey());
            if (limit != null && request.getValue().getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                throw new ConfigException(key + ".requests." + request.getKey() + ": " + request.getValue()
                        + " is more than its limit " + limit);
            }
        }
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build();
    }

    private static Map<String, Quantity> quantities(JsonNode node, String key) throws ConfigException {
        Map<String, Quantity> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) return out;
        ConfigLoader.object(node, key);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), quantity(e.getValue(), key + "." + e.getKey()));
        }
        return out;
    }

    private static Quantity quantity(JsonNode node, String key) throws ConfigException {
        String text = ConfigLoader.text(node, key);
        try {
            Quantity q = Quantity.parse(text);
            if (q.getNumericalAmount().compareTo(BigDecimal.ZERO) < 0) {
                throw new ConfigException(key + ": '" + text + "' is negative");
            }
            return new Quantity(text);
        } catch (RuntimeException e) {
            throw new ConfigException(key + ": '" + text + "' is not a quantity (write e.g. 250m, 0.5, 512Mi or 2Gi)");
        }
    }

    private static void optional(JsonNode ref, String key) throws ConfigException {
        if (ref.has("optional")
                && !ref.get("optional").isNull()
                && !ref.get("optional").isBoolean()) {
            throw new ConfigException(key + ".optional: expected true or false");
        }
    }

    private static int size(JsonNode list, String key) throws ConfigException {
        if (list == null || list.isNull()) return 0;
        if (!list.isArray()) throw new ConfigException(key + ": expected a list");
        return list.size();
    }

    private static String matching(JsonNode node, String key, Pattern pattern, String what) throws ConfigException {
        String text = ConfigLoader.text(node, key);
        if (!pattern.matcher(text).matches() || text.length() > 253) {
            throw new ConfigException(key + ": '" + text + "' is not " + what);
        }
        return text;
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
