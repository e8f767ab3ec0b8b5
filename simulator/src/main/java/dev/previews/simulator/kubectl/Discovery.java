package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents: what kubectl reads to turn {@code pd} into previewdeployments.previews.dev/v1alpha1,
 * and what {@code kubectl api-resources} lists. kubectl 1.30+ asks for the aggregated documents
 * ({@code apidiscovery.k8s.io/v2}, everything in two requests), older clients and fabric8 for the legacy
 * ones ({@code /api}, {@code /apis}, then one request per group version); both are built from
 * {@link ServedResources}.
 */
final class Discovery {
    static final String AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

    private final ServedResources served;

    Discovery(ServedResources served) {
        this.served = served;
    }

    /** Whether a request's Accept header asks for the aggregated documents. */
    static boolean wantsAggregated(String accept) {
        return accept != null && accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2;");
    }

    /** {@code GET /api}: the core group's versions (legacy). */
    ObjectNode coreVersions(String serverAddress) {
        ObjectNode doc = JSON.createObjectNode().put("kind", "APIVersions");
        doc.putArray("versions").add("v1");
        doc.putArray("serverAddressByClientCIDRs")
                .addObject()
                .put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", serverAddress);
        return doc;
    }

    /** {@code GET /apis}: the named groups and their versions (legacy). */
    ObjectNode groups() {
        ObjectNode doc = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        byGroup(false).forEach((group, versions) -> {
            ObjectNode g = groups.addObject().put("name", group);
            ArrayNode list = g.putArray("versions");
            versions.keySet()
                    .forEach(v -> list.addObject()
                            .put("groupVersion", group + "/" + v)
                            .put("version", v));
            String preferred = versions.keySet().iterator().next();
            g.putObject("preferredVersion")
                    .put("groupVersion", group + "/" + preferred)
                    .put("version", preferred);
        });
        return doc;
    }

    /** {@code GET /api/v1} or {@code /apis/GROUP/VERSION}: its resources (legacy); null for one not served. */
    ObjectNode resources(String group, String version) {
        List<ServedResource> resources = served.inGroupVersion(group, version);
        if (resources.isEmpty()) return null;
        ObjectNode doc = JSON.createObjectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", resources.get(0).groupVersion());
        ArrayNode list = doc.putArray("resources");
        for (ServedResource r : resources) {
            ObjectNode resource = list.addObject()
                    .put("name", r.plural())
                    .put("singularName", r.singular())
                    .put("namespaced", r.namespaced())
                    .put("kind", r.kind());
            strings(resource.putArray("verbs"), VERBS);
            if (!r.shortNames().isEmpty()) strings(resource.putArray("shortNames"), r.shortNames());
            if (!r.categories().isEmpty()) strings(resource.putArray("categories"), r.categories());
            if (r.hasStatusSubresource()) {
                ObjectNode status = list.addObject()
                        .put("name", r.plural() + "/status")
                        .put("singularName", "")
                        .put("namespaced", r.namespaced())
                        .put("kind", r.kind());
                strings(status.putArray("verbs"), STATUS_VERBS);
            }
        }
        return doc;
    }

    /** {@code GET /api} or {@code GET /apis} in the aggregated form: every group, version and resource at once. */
    ObjectNode aggregated(boolean core) {
        ObjectNode doc = JSON.createObjectNode()
                .put("kind", "APIGroupDiscoveryList")
                .put("apiVersion", "apidiscovery.k8s.io/v2");
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        byGroup(core).forEach((group, versions) -> {
            ObjectNode item = items.addObject();
            ObjectNode metadata = item.putObject("metadata");
            if (!core) metadata.put("name", group);
            ArrayNode versionList = item.putArray("versions");
            versions.forEach((version, resources) -> {
                ObjectNode v = versionList.addObject().put("version", version).put("freshness", "Current");
                ArrayNode list = v.putArray("resources");
                resources.forEach(r -> aggregatedResource(list.addObject(), r));
            });
        });
        return doc;
    }

    private static void aggregatedResource(ObjectNode resource, ServedResource r) {
        resource.put("resource", r.plural());
        kind(resource.putObject("responseKind"), r);
        resource.put("scope", r.namespaced() ? "Namespaced" : "Cluster").put("singularResource", r.singular());
        strings(resource.putArray("verbs"), VERBS);
        if (!r.shortNames().isEmpty()) strings(resource.putArray("shortNames"), r.shortNames());
        if (!r.categories().isEmpty()) strings(resource.putArray("categories"), r.categories());
        if (r.hasStatusSubresource()) {
            ObjectNode status = resource.putArray("subresources").addObject().put("subresource", "status");
            kind(status.putObject("responseKind"), r);
            strings(status.putArray("verbs"), STATUS_VERBS);
        }
    }

    private static void kind(ObjectNode node, ServedResource r) {
        node.put("group", r.group()).put("version", r.version()).put("kind", r.kind());
    }

    /** The served resources by group and version, in the order served (core group only, or named groups only). */
    private Map<String, Map<String, List<ServedResource>>> byGroup(boolean core) {
        Map<String, Map<String, List<ServedResource>>> groups = new LinkedHashMap<>();
        for (ServedResource r : served.all()) {
            if (r.group().isEmpty() != core) continue;
            groups.computeIfAbsent(r.group(), g -> new LinkedHashMap<>())
                    .computeIfAbsent(r.version(), v -> new java.util.ArrayList<>())
                    .add(r);
        }
        return groups;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
