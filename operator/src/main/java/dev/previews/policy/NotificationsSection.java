package dev.previews.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.policy.ConfigLoader.ConfigException;
import dev.previews.policy.NotificationConfig.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code notifications} section of the configuration file:
 *
 * <pre>
 * notifications:
 *   webhooks:
 *     - name: team-slack                        # required, unique: it labels the metrics
 *       urlFrom: {env: SLACK_WEBHOOK_URL}       # or {file: /etc/preview-operator/webhooks/slack}
 *       events: [ExpiresSoon, Expired]          # optional, default: all of NotificationConfig.EVENTS
 *       namespaces: [team-a, team-b]            # optional, default: every watched namespace
 * </pre>
 *
 * The URL itself is never in the file (the file is a ConfigMap, readable by many): it is read here,
 * at start, from the variable or the file, and a problem with it is one line naming the key, without
 * the value.
 */
final class NotificationsSection {
    private NotificationsSection() {}

    private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Set<String> SECTION = Set.of("webhooks");
    private static final Set<String> WEBHOOK = Set.of("name", "urlFrom", "events", "namespaces");
    private static final Set<String> URL_FROM = Set.of("env", "file");

    static NotificationConfig parse(JsonNode node, SecretSource secrets) throws ConfigException {
        if (node == null || node.isNull()) {
            return NotificationConfig.none();
        }
        object(node, "notifications");
        unknownKeys(node, SECTION, "notifications.");
        JsonNode list = node.get("webhooks");
        if (list == null || list.isNull()) {
            return NotificationConfig.none();
        }
        if (!list.isArray()) {
            throw new ConfigException("notifications.webhooks: expected a list of webhooks");
        }
        List<Webhook> webhooks = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String key = "notifications.webhooks[" + i + "]";
            Webhook webhook = webhook(list.get(i), key, secrets);
            Integer earlier = names.putIfAbsent(webhook.name(), i);
            if (earlier != null) {
                throw new ConfigException(key + ".name: '" + webhook.name() + "' is the name of webhooks[" + earlier
                        + "] already (names label the metrics: each must be unique)");
            }
            webhooks.add(webhook);
        }
        return new NotificationConfig(List.copyOf(webhooks), NotificationConfig.Delivery.defaults());
    }

    private static Webhook webhook(JsonNode node, String key, SecretSource secrets) throws ConfigException {
        object(node, key);
        if (node.has("url")) {
            throw new ConfigException(key + ".url: a webhook's URL is a secret and stays out of the configuration:"
                    + " write urlFrom: {env: VARIABLE} or urlFrom: {file: PATH}");
        }
        unknownKeys(node, WEBHOOK, key + ".");
        if (!node.hasNonNull("name")) throw new ConfigException(key + ".name: missing");
        String name = text(node.get("name"), key + ".name");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(key + ".name: '" + name + "' is not a valid name (lower-case letters, digits"
                    + " and '-', at most 63 characters: it labels the metrics)");
        }
        if (!node.hasNonNull("urlFrom")) {
            throw new ConfigException(key + ".urlFrom: missing (write {env: VARIABLE} or {file: PATH})");
        }
        Set<String> events = new LinkedHashSet<>(NotificationConfig.EVENTS);
        if (node.has("events") && !node.get("events").isNull()) {
            events = names(node.get("events"), key + ".events", "event names");
            for (String event : events) {
                if (!NotificationConfig.EVENTS.contains(event)) {
                    throw new ConfigException(key + ".events: '" + event + "' is not one of "
                            + String.join(", ", NotificationConfig.EVENTS));
                }
            }
        }
        Set<String> namespaces = Set.of();
        if (node.has("namespaces") && !node.get("namespaces").isNull()) {
            namespaces = names(node.get("namespaces"), key + ".namespaces", "namespace names");
        }
        JsonNode from = object(node.get("urlFrom"), key + ".urlFrom");
        unknownKeys(from, URL_FROM, key + ".urlFrom.");
        if (from.hasNonNull("env") == from.hasNonNull("file")) {
            throw new ConfigException(key + ".urlFrom: give exactly one of env or file");
        }
        String urlFrom;
        String value;
        if (from.hasNonNull("env")) {
            String variable = text(from.get("env"), key + ".urlFrom.env");
            urlFrom = "environment variable " + variable;
            value = secrets.env(variable);
            if (value == null) {
                throw new ConfigException(key + ".urlFrom.env: environment variable " + variable + " is not set");
            }
            value = url(value, key + ".urlFrom.env", urlFrom);
        } else {
            String file = text(from.get("file"), key + ".urlFrom.file");
            urlFrom = "file " + file;
            value = url(read(file, secrets, key + ".urlFrom.file"), key + ".urlFrom.file", urlFrom);
        }
        return new Webhook(name, URI.create(value), urlFrom, events, namespaces);
    }

    private static String read(String file, SecretSource secrets, String key) throws ConfigException {
        try {
            return secrets.file(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(key + ": " + file + ": no such file");
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException(
                    key + ": " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The URL, trimmed (a Secret's file often ends with a newline); its value never goes into a message. */
    private static String url(String value, String key, String urlFrom) throws ConfigException {
        String url = value.trim();
        if (url.isEmpty()) {
            throw new ConfigException(key + ": " + urlFrom + " is empty");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // worded below, without the value
        }
        throw new ConfigException(key + ": " + urlFrom + " does not hold an http:// or https:// URL"
                + " (its value is not shown: it is a secret)");
    }

    private static Set<String> names(JsonNode list, String key, String what) throws ConfigException {
        if (!list.isArray()) throw new ConfigException(key + ": expected a list of " + what);
        if (list.isEmpty()) {
            throw new ConfigException(key + ": empty; leave the key out for all " + what.replace(" names", "s"));
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            names.add(text(list.get(i), key + "[" + i + "]"));
        }
        return names;
    }

    private static JsonNode object(JsonNode node, String key) throws ConfigException {
        if (node == null || !node.isObject()) throw new ConfigException(key + ": expected a mapping of keys to values");
        return node;
    }

    private static String text(JsonNode node, String key) throws ConfigException {
        if (node == null
                || !node.isValueNode()
                || node.isNull()
                || node.asText().isBlank()) {
            throw new ConfigException(key + ": expected a non-empty value");
        }
        return node.asText();
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix) throws ConfigException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new ConfigException(prefix + name + ": unknown key (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
