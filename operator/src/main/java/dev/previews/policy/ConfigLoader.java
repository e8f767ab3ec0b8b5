package dev.previews.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.previews.spec.Placeholders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the operator's configuration file (YAML):
 *
 * <pre>
 * plans:                      # absent: starter 5d/40/Delete and professional 14d/300/Delete
 *   starter: {ttl: 5d, maxPreviews: 40, expiry: Delete}   # and optionally maxTtl, warnBefore, sleepAfter, awake,
 *                                                          # defaults (see PodDefaultsParser)
 * defaultPlan: starter        # absent: starter
 * ingress:
 *   hostTemplate: "{{name}}.{{namespace}}.previews.example.com"
 * namespaces: [team-a, team-b]  # absent or empty: all namespaces
 * notifications:              # optional: webhooks, see NotificationsSection
 *   webhooks: [{name: team-slack, urlFrom: {env: SLACK_WEBHOOK_URL}}]
 * </pre>
 *
 * Every problem is reported as one line naming the key: {@link ConfigException}.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("plans", "defaultPlan", "ingress", "namespaces", "notifications");
    private static final Set<String> INGRESS = Set.of("hostTemplate");

    /** A configuration problem, worded for one line of output. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static OperatorConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    public static OperatorConfig parse(String yaml) throws ConfigException {
        return parse(yaml, SecretSource.system());
    }

    /** With the webhooks' URLs read from {@code secrets}. */
    public static OperatorConfig parse(String yaml, SecretSource secrets) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    "not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " ")
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")"));
        }
        OperatorConfig defaults = OperatorConfig.defaults();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return defaults;
        }
        object(root, "the top level");
        unknownKeys(root, TOP, "");
        Map<String, Plan> plans = root.has("plans") ? PlanParser.plans(root.get("plans")) : defaults.plans();
        String defaultPlan =
                root.has("defaultPlan") ? text(root.get("defaultPlan"), "defaultPlan") : defaults.defaultPlan();
        if (!plans.containsKey(defaultPlan)) {
            throw new ConfigException("defaultPlan: plan '" + defaultPlan + "' is not defined under plans (defined: "
                    + String.join(", ", plans.keySet()) + ")");
        }
        String hostTemplate = null;
        if (root.has("ingress") && !root.get("ingress").isNull()) {
            JsonNode ingress = object(root.get("ingress"), "ingress");
            unknownKeys(ingress, INGRESS, "ingress.");
            if (ingress.has("hostTemplate") && !ingress.get("hostTemplate").isNull()) {
                hostTemplate = text(ingress.get("hostTemplate"), "ingress.hostTemplate");
                try {
                    Placeholders.expand(
                            "ingress.hostTemplate", hostTemplate, Placeholders.forHost("name", "namespace", "branch"));
                } catch (Placeholders.UnresolvedPlaceholder e) {
                    throw new ConfigException(e.getMessage());
                }
            }
        }
        Set<String> namespaces = new LinkedHashSet<>();
        if (root.has("namespaces") && !root.get("namespaces").isNull()) {
            JsonNode list = root.get("namespaces");
            if (!list.isArray()) throw new ConfigException("namespaces: expected a list of namespace names");
            for (int i = 0; i < list.size(); i++) {
                namespaces.add(text(list.get(i), "namespaces[" + i + "]"));
            }
        }
        NotificationConfig notifications = NotificationsSection.parse(root.get("notifications"), secrets);
        return new OperatorConfig(plans, defaultPlan, hostTemplate, namespaces).withNotifications(notifications);
    }

    static JsonNode object(JsonNode node, String key) throws ConfigException {
        if (node == null || !node.isObject()) throw new ConfigException(key + ": expected a mapping of keys to values");
        return node;
    }

    static String text(JsonNode node, String key) throws ConfigException {
        if (node == null
                || !node.isValueNode()
                || node.isNull()
                || node.asText().isBlank()) {
            throw new ConfigException(key + ": expected a non-empty value");
        }
        return node.asText();
    }

    static void unknownKeys(JsonNode node, Set<String> known, String prefix) throws ConfigException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new ConfigException(prefix + name + ": unknown key (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
