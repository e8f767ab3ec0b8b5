package dev.previews.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's configuration: plans, the default plan, the ingress host template, the watched
 * namespaces (empty: all) and the webhooks to notify.
 */
public record OperatorConfig(
        Map<String, Plan> plans,
        String defaultPlan,
        String ingressHostTemplate,
        Set<String> namespaces,
        NotificationConfig notifications) {

    /** Without notifications. */
    public OperatorConfig(
            Map<String, Plan> plans, String defaultPlan, String ingressHostTemplate, Set<String> namespaces) {
        this(plans, defaultPlan, ingressHostTemplate, namespaces, NotificationConfig.none());
    }

    /** Namespace label naming the namespace's plan (set by the platform team). */
    public static final String PLAN_LABEL = "previews.dev/plan";

    public static OperatorConfig defaults() {
        Map<String, Plan> plans = new LinkedHashMap<>();
        plans.put("starter", new Plan("starter", Duration.ofDays(5), 40, ExpiryPolicy.Delete));
        plans.put("professional", new Plan("professional", Duration.ofDays(14), 300, ExpiryPolicy.Delete));
        return new OperatorConfig(plans, "starter", null, Set.of());
    }

    public Optional<Plan> plan(String name) {
        return Optional.ofNullable(plans.get(name));
    }

    public OperatorConfig withNamespaces(Set<String> namespaces) {
        return new OperatorConfig(plans, defaultPlan, ingressHostTemplate, namespaces, notifications);
    }

    public OperatorConfig withIngressHostTemplate(String template) {
        return new OperatorConfig(plans, defaultPlan, template, namespaces, notifications);
    }

    public OperatorConfig withNotifications(NotificationConfig notifications) {
        return new OperatorConfig(plans, defaultPlan, ingressHostTemplate, namespaces, notifications);
    }

    public OperatorConfig withPlan(Plan plan) {
        Map<String, Plan> next = new LinkedHashMap<>(plans);
        next.put(plan.name(), plan);
        return new OperatorConfig(next, defaultPlan, ingressHostTemplate, namespaces, notifications);
    }
}
