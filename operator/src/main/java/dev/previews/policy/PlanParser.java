package dev.previews.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.api.Rollover;
import dev.previews.policy.ConfigLoader.ConfigException;
import dev.previews.spec.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code plans} of the configuration file: each plan's TTL, limit and expiry policy, and
 * optionally how far its previews may be extended (maxTtl), when they are warned of their expiry
 * (warnBefore), when they sleep (sleepAfter, awake), how a new commit replaces their backend
 * (rollover) and the defaults of their pods (defaults, see {@link PodDefaultsParser}). Every problem
 * is one line naming the key.
 */
final class PlanParser {
    private PlanParser() {}

    private static final Pattern LABEL_VALUE = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Set<String> REQUIRED = Set.of("ttl", "maxPreviews", "expiry");
    private static final Set<String> KEYS = Set.of(
            "ttl", "maxPreviews", "expiry", "maxTtl", "warnBefore", "sleepAfter", "awake", "rollover", "defaults");

    static Map<String, Plan> plans(JsonNode node) throws ConfigException {
        ConfigLoader.object(node, "plans");
        if (node.isEmpty()) throw new ConfigException("plans: at least one plan is needed");
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            plans.put(e.getKey(), plan(e.getKey(), e.getValue()));
        }
        return plans;
    }

    private static Plan plan(String name, JsonNode node) throws ConfigException {
        String key = "plans." + name;
        if (!LABEL_VALUE.matcher(name).matches()) {
            throw new ConfigException(
                    key + ": a plan name must be a valid label value (it is matched against the namespace label "
                            + OperatorConfig.PLAN_LABEL + ")");
        }
        JsonNode plan = ConfigLoader.object(node, key);
        ConfigLoader.unknownKeys(plan, KEYS, key + ".");
        for (String required : REQUIRED) {
            if (!plan.has(required) || plan.get(required).isNull())
                throw new ConfigException(key + "." + required + ": missing");
        }
        Duration ttl = duration(plan, key, "ttl");
        JsonNode max = plan.get("maxPreviews");
        if (!max.canConvertToInt() || !max.isIntegralNumber()) {
            throw new ConfigException(key + ".maxPreviews: '" + max.asText() + "' is not a whole number");
        }
        if (max.asInt() < 1) {
            throw new ConfigException(
                    key + ".maxPreviews: " + max.asInt() + " is not allowed; the limit must be at least 1");
        }
        String expiry = ConfigLoader.text(plan.get("expiry"), key + ".expiry");
        ExpiryPolicy policy;
        try {
            policy = ExpiryPolicy.valueOf(expiry);
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(key + ".expiry: '" + expiry + "' is not one of Delete, Deprovision");
        }
        Duration maxTtl = plan.has("maxTtl") ? duration(plan, key, "maxTtl") : ttl;
        if (maxTtl.compareTo(ttl) < 0) {
            throw new ConfigException(key + ".maxTtl: " + Durations.format(maxTtl) + " is shorter than the plan's ttl "
                    + Durations.format(ttl) + "; previews could not even live their ttl");
        }
        Duration warnBefore = plan.has("warnBefore") ? duration(plan, key, "warnBefore") : null;
        if (warnBefore != null && warnBefore.compareTo(ttl) >= 0) {
            throw new ConfigException(
                    key + ".warnBefore: " + Durations.format(warnBefore) + " is not shorter than the plan's ttl "
                            + Durations.format(ttl) + "; every preview would be expiring from its start");
        }
        Duration sleepAfter = plan.has("sleepAfter") ? duration(plan, key, "sleepAfter") : null;
        AwakeSchedule awake = null;
        if (plan.has("awake") && !plan.get("awake").isNull()) {
            try {
                awake = AwakeSchedule.parse(ConfigLoader.text(plan.get("awake"), key + ".awake"));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(key + ".awake: " + ex.getMessage());
            }
        }
        PodDefaults defaults = PodDefaultsParser.parse(plan.get("defaults"), key + ".defaults");
        Rollover rollover = Rollover.Recreate;
        if (plan.has("rollover") && !plan.get("rollover").isNull()) {
            String value = ConfigLoader.text(plan.get("rollover"), key + ".rollover");
            try {
                rollover = Rollover.valueOf(value);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(key + ".rollover: '" + value + "' is not one of Recreate, BlueGreen");
            }
        }
        return new Plan(name, ttl, max.asInt(), policy, maxTtl, warnBefore, sleepAfter, awake, rollover, defaults);
    }

    private static Duration duration(JsonNode plan, String key, String field) throws ConfigException {
        try {
            return Durations.parse(ConfigLoader.text(plan.get(field), key + "." + field));
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(key + "." + field + ": " + ex.getMessage());
        }
    }
}
