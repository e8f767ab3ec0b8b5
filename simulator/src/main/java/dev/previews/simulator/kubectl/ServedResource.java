package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * One resource as clients are told about it.
 *
 * @param model the fabric8 class of a built-in kind, null for a custom resource
 * @param crdVersion the CRD's entry in {@code spec.versions} for a custom resource (printer columns,
 *     schema, subresources), null for a built-in kind
 */
record ServedResource(
        String group,
        String version,
        String kind,
        String plural,
        String singular,
        boolean namespaced,
        List<String> shortNames,
        List<String> categories,
        Class<? extends HasMetadata> model,
        JsonNode crdVersion) {

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** Where its group version is served: {@code /api/v1} or {@code /apis/GROUP/VERSION}. */
    String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    boolean custom() {
        return crdVersion != null;
    }

    boolean hasStatusSubresource() {
        return custom() && crdVersion.path("subresources").has("status");
    }

    /** The name kubectl prints before a name: {@code previewdeployment.previews.dev/feature-login}. */
    String qualifiedPlural() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
