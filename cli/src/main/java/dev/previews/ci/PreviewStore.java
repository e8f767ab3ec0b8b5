package dev.previews.ci;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Comparator;
import java.util.List;

/**
 * The PreviewDeployment API as the CI commands use it: plain get, list, create, update (PUT with the
 * resourceVersion read) and delete, each failure turned into a message that names the verb. Writes
 * go through the untyped client so that fields this version of the CLI does not know survive.
 */
final class PreviewStore {
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(PreviewDeployment.GROUP)
            .withVersion(PreviewDeployment.VERSION)
            .withKind(PreviewDeployment.KIND)
            .withPlural("previewdeployments")
            .withNamespaced(true)
            .build();

    /** Someone else wrote the preview since it was read (409), or it vanished (404): read again and retry. */
    static final class Conflict extends RuntimeException {
        Conflict() {
            super(null, null, false, false);
        }
    }

    private static final ObjectMapper LENIENT =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Cluster cluster;
    private final KubernetesSerialization json;

    PreviewStore(Cluster cluster) {
        this.cluster = cluster;
        this.json = cluster.client().getKubernetesSerialization();
    }

    private MixedOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> raw() {
        return cluster.client().genericKubernetesResources(CONTEXT);
    }

    /** The preview as stored, every field included; null when there is none. */
    ObjectNode getRaw(String namespace, String name) {
        try {
            GenericKubernetesResource r =
                    raw().inNamespace(namespace).withName(name).get();
            return r == null ? null : json.convertValue(r, ObjectNode.class);
        } catch (KubernetesClientException e) {
            throw Failures.of(e, "get", namespace, cluster);
        }
    }

    PreviewDeployment get(String namespace, String name) {
        ObjectNode raw = getRaw(namespace, name);
        return raw == null ? null : typed(raw);
    }

    /** The previews of a namespace (null: all namespaces), oldest first; a missing CRD is reported as such. */
    List<PreviewDeployment> list(String namespace, String selector) {
        var options = new ListOptionsBuilder();
        if (selector != null) options.withLabelSelector(selector);
        try {
            var op = cluster.client().resources(PreviewDeployment.class);
            var items = namespace == null
                    ? op.inAnyNamespace().list(options.build()).getItems()
                    : op.inNamespace(namespace).list(options.build()).getItems();
            return items.stream()
                    .sorted(Comparator.comparing((PreviewDeployment p) ->
                                    String.valueOf(p.getMetadata().getCreationTimestamp()))
                            .thenComparing(p -> p.getMetadata().getNamespace())
                            .thenComparing(p -> p.getMetadata().getName()))
                    .toList();
        } catch (KubernetesClientException e) {
            throw Failures.of(e, "list", namespace, cluster);
        }
    }

    /** Fails with an actionable message when the API is not installed or not readable. */
    void probe(String namespace) {
        try {
            cluster.client()
                    .resources(PreviewDeployment.class)
                    .inNamespace(namespace)
                    .list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            throw Failures.of(e, "list", namespace, cluster);
        }
    }

    PreviewDeployment create(ObjectNode preview) {
        String namespace = preview.path("metadata").path("namespace").asText();
        try {
            return typed(json.convertValue(
                    raw().inNamespace(namespace).resource(generic(preview)).create(), ObjectNode.class));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) throw new Conflict();
            throw Failures.of(e, "create", namespace, cluster);
        }
    }

    /** PUT with the resourceVersion the object carries. */
    PreviewDeployment update(ObjectNode preview) {
        String namespace = preview.path("metadata").path("namespace").asText();
        try {
            return typed(json.convertValue(
                    raw().inNamespace(namespace).resource(generic(preview)).update(), ObjectNode.class));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) throw new Conflict();
            throw Failures.of(e, "update", namespace, cluster);
        }
    }

    /** A JSON merge patch (RFC 7386) of the preview: only the fields it names change. */
    PreviewDeployment mergePatch(String namespace, String name, ObjectNode patch) {
        try {
            return typed(json.convertValue(
                    raw().inNamespace(namespace)
                            .withName(name)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), json.asJson(patch)),
                    ObjectNode.class));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404)
                throw new CliFailure(ExitCodes.NOT_FOUND, "no preview " + name + " in namespace " + namespace);
            throw Failures.of(e, "patch", namespace, cluster);
        }
    }

    /** Deletes the preview (its children go through garbage collection); false when it was already gone. */
    boolean delete(String namespace, String name) {
        try {
            return !cluster.client()
                    .resources(PreviewDeployment.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .delete()
                    .isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return false;
            throw Failures.of(e, "delete", namespace, cluster);
        }
    }

    /** The preview as the CLI's model sees it; fields a newer CRD may have are ignored here (and kept in writes). */
    PreviewDeployment typed(JsonNode raw) {
        return LENIENT.convertValue(raw, PreviewDeployment.class);
    }

    ObjectNode toJson(Object o) {
        return json.convertValue(o, ObjectNode.class);
    }

    private GenericKubernetesResource generic(ObjectNode node) {
        return json.convertValue(node, GenericKubernetesResource.class);
    }

    Cluster cluster() {
        return cluster;
    }
}
