package dev.previews.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.policy.JsonSubset;
import dev.previews.policy.Quantities;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a child still is what its preview wants, and the object that puts it back. A child is owned
 * whole (DESIGN.md behaviour 1): what the operator sets must hold, and in the parts it owns (the
 * spec of a Deployment, its pod template and containers, a Service's and an Ingress's spec) nothing
 * else may be there, but for the fields the API server fills in itself, at their default values, and
 * those it assigns (a Service's cluster IPs). So a hand edit that adds a host namespace, a volume, a
 * service account or a capability is reverted, where a comparison of the operator's own fields alone
 * would let it stay. Metadata and status are shared: others' labels and annotations stay.
 * Pure functions.
 */
public final class ChildDrift {
    private ChildDrift() {}

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Fields of a Deployment's spec that the API server defaults, with the values it gives them. */
    private static final Map<String, JsonNode> DEPLOYMENT_DEFAULTS = parsed(Map.of(
            "strategy",
            "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}",
            "revisionHistoryLimit",
            "10",
            "progressDeadlineSeconds",
            "600"));

    private static final Map<String, JsonNode> POD_DEFAULTS = parsed(Map.of(
            "restartPolicy", "\"Always\"",
            "terminationGracePeriodSeconds", "30",
            "dnsPolicy", "\"ClusterFirst\"",
            "schedulerName", "\"default-scheduler\"",
            "securityContext", "{}"));

    private static final Map<String, JsonNode> CONTAINER_DEFAULTS = parsed(Map.of(
            "terminationMessagePath", "\"/dev/termination-log\"",
            "terminationMessagePolicy", "\"File\"",
            "resources", "{}"));

    /** Set by the API server whatever the container asks for: Always for :latest, IfNotPresent otherwise. */
    private static final Set<String> CONTAINER_ASSIGNED = Set.of("imagePullPolicy");

    /** A Service's fields the API server assigns (kept on update), and those it defaults. */
    private static final Set<String> SERVICE_ASSIGNED =
            Set.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort");

    private static final Map<String, JsonNode> SERVICE_DEFAULTS =
            parsed(Map.of("sessionAffinity", "\"None\"", "internalTrafficPolicy", "\"Cluster\""));

    /** An Ingress's class, which the DefaultIngressClass admission sets when the Ingress names none. */
    private static final Set<String> INGRESS_ASSIGNED = Set.of("ingressClassName");

    /**
     * Where the child differs from what the preview wants (a field path, for a log line), or empty when
     * it holds what the preview wants. Resource quantities count by value: the API server stores them in
     * canonical form.
     */
    public static Optional<String> of(HasMetadata desired, HasMetadata actual) {
        JsonNode want = Quantities.byValue(JSON.convertValue(desired, JsonNode.class));
        JsonNode have = Quantities.byValue(JSON.convertValue(actual, JsonNode.class));
        for (String field : new String[] {"labels", "annotations", "ownerReferences"}) {
            if (!JsonSubset.contains(
                    have.path("metadata").get(field), want.path("metadata").get(field))) {
                return Optional.of("metadata." + field);
            }
        }
        return spec(desired.getKind(), want, have);
    }

    /**
     * Where the child's spec differs from what the preview wants, or empty when it holds: when only
     * its metadata drifted, putting it back changes nothing its controller acts on.
     */
    public static Optional<String> ofSpec(HasMetadata desired, HasMetadata actual) {
        return spec(
                desired.getKind(),
                Quantities.byValue(JSON.convertValue(desired, JsonNode.class)),
                Quantities.byValue(JSON.convertValue(actual, JsonNode.class)));
    }

    private static Optional<String> spec(String kind, JsonNode want, JsonNode have) {
        JsonNode wantSpec = want.path("spec");
        JsonNode haveSpec = have.path("spec");
        if (!JsonSubset.contains(haveSpec, wantSpec)) {
            return Optional.of("spec");
        }
        return switch (kind) {
            case "Deployment" -> deployment(wantSpec, haveSpec);
            case "Service" ->
                extra("spec", wantSpec, haveSpec, SERVICE_DEFAULTS, SERVICE_ASSIGNED)
                        .or(() -> exact("spec.selector", wantSpec.get("selector"), haveSpec.get("selector")));
            case "Ingress" -> extra("spec", wantSpec, haveSpec, Map.of(), INGRESS_ASSIGNED);
            default -> Optional.empty();
        };
    }

    private static Optional<String> deployment(JsonNode want, JsonNode have) {
        Optional<String> drift = extra("spec", want, have, DEPLOYMENT_DEFAULTS, Set.of());
        if (drift.isPresent()) return drift;
        JsonNode wantPod = want.path("template").path("spec");
        JsonNode havePod = have.path("template").path("spec");
        drift = extra("spec.template.spec", wantPod, havePod, POD_DEFAULTS, Set.of())
                .or(() -> exact(
                        "spec.template.spec.securityContext",
                        wantPod.get("securityContext"),
                        havePod.get("securityContext")));
        if (drift.isPresent()) return drift;
        JsonNode wantContainers = wantPod.path("containers");
        JsonNode haveContainers = havePod.path("containers");
        for (int i = 0; i < wantContainers.size(); i++) {
            String path = "spec.template.spec.containers[" + i + "]";
            JsonNode w = wantContainers.get(i);
            JsonNode h = haveContainers.get(i);
            drift = extra(path, w, h, CONTAINER_DEFAULTS, CONTAINER_ASSIGNED)
                    .or(() -> exact(path + ".securityContext", w.get("securityContext"), h.get("securityContext")));
            if (drift.isPresent()) return drift;
        }
        return Optional.empty();
    }

    /** A field of {@code have} that {@code want} lacks, unless the API server set it (to its default). */
    private static Optional<String> extra(
            String path, JsonNode want, JsonNode have, Map<String, JsonNode> defaults, Set<String> assigned) {
        for (Iterator<Map.Entry<String, JsonNode>> it = have.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (want.has(name) || assigned.contains(name) || field.getValue().isNull()) continue;
            JsonNode byDefault = defaults.get(name);
            if (byDefault == null || !sameValue(byDefault, field.getValue())) {
                return Optional.of(path + "." + name);
            }
        }
        return Optional.empty();
    }

    /** Equal values, numbers by value (the API server's 30 reads back as a long, a default parses as an int). */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    /** Objects the operator owns as a whole value (a security context): nothing added, nothing removed. */
    private static Optional<String> exact(String path, JsonNode want, JsonNode have) {
        boolean wantEmpty = want == null || want.isNull() || want.isEmpty();
        boolean haveEmpty = have == null || have.isNull() || have.isEmpty();
        if (wantEmpty && haveEmpty) return Optional.empty();
        return want != null && want.equals(have) ? Optional.empty() : Optional.of(path);
    }

    /**
     * The object to write back: the one read, with the preview's labels and annotations laid over its
     * own (others' stay), the preview's owner references, and the preview's spec in place of its spec,
     * keeping only what the API server assigned (a Service's cluster IPs, which it would refuse to see
     * changed). The API server fills in its defaults again.
     */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> T restored(T desired, T actual) {
        ObjectNode have = JSON.convertValue(actual, ObjectNode.class);
        ObjectNode want = JSON.convertValue(desired, ObjectNode.class);
        ObjectNode meta = (ObjectNode) have.get("metadata");
        meta.set("labels", merged(meta.get("labels"), want.path("metadata").get("labels")));
        meta.set(
                "annotations",
                merged(meta.get("annotations"), want.path("metadata").get("annotations")));
        meta.set("ownerReferences", want.path("metadata").get("ownerReferences"));
        ObjectNode spec = ((ObjectNode) want.get("spec")).deepCopy();
        if ("Service".equals(desired.getKind()) && have.get("spec") instanceof ObjectNode old) {
            SERVICE_ASSIGNED.stream().filter(old::has).forEach(f -> spec.set(f, old.get(f)));
        }
        have.set("spec", spec);
        return (T) JSON.convertValue(have, actual.getClass());
    }

    private static JsonNode merged(JsonNode base, JsonNode overlay) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (JsonNode part : new JsonNode[] {base, overlay}) {
            if (part != null && part.isObject()) part.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static Map<String, JsonNode> parsed(Map<String, String> json) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        json.forEach((k, v) -> out.put(k, JSON.unmarshal(v, JsonNode.class)));
        return Map.copyOf(out);
    }
}
