package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the sandbox's API serves, as discovery, OpenAPI and tables describe it: the built-in kinds a
 * preview involves (what the operator creates and reads, what a user creates next to a preview) from
 * fabric8's model, and every version of every CustomResourceDefinition in the store, read again on each
 * call so that a CRD applied with kubectl shows up as on a cluster. The mock itself stores any kind at any
 * path; this is only what clients are told.
 */
final class ServedResources {
    /** A built-in kind, with the short names and categories that fabric8's model does not carry. */
    private record Builtin(Class<? extends HasMetadata> type, List<String> shortNames, List<String> categories) {}

    private static final List<Builtin> BUILTINS = List.of(
            new Builtin(Namespace.class, List.of("ns"), List.of()),
            new Builtin(Pod.class, List.of("po"), List.of("all")),
            new Builtin(Service.class, List.of("svc"), List.of("all")),
            new Builtin(Event.class, List.of("ev"), List.of()),
            new Builtin(ConfigMap.class, List.of("cm"), List.of()),
            new Builtin(Secret.class, List.of(), List.of()),
            new Builtin(Deployment.class, List.of("deploy"), List.of("all")),
            new Builtin(Job.class, List.of(), List.of("all")),
            new Builtin(Ingress.class, List.of("ing"), List.of()),
            new Builtin(CustomResourceDefinition.class, List.of("crd", "crds"), List.of("api-extensions")));

    private final Store store;

    ServedResources(Store store) {
        this.store = store;
    }

    /** Every resource served, built-in kinds first (kubectl resolves a short name to the first it meets). */
    List<ServedResource> all() {
        List<ServedResource> all = new ArrayList<>();
        for (Builtin b : BUILTINS) {
            all.add(new ServedResource(
                    HasMetadata.getGroup(b.type()),
                    HasMetadata.getVersion(b.type()),
                    HasMetadata.getKind(b.type()),
                    HasMetadata.getPlural(b.type()),
                    HasMetadata.getSingular(b.type()),
                    Namespaced.class.isAssignableFrom(b.type()),
                    b.shortNames(),
                    b.categories(),
                    b.type(),
                    null));
        }
        for (JsonNode crd : store.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) continue;
                all.add(new ServedResource(
                        spec.path("group").asText(),
                        version.path("name").asText(),
                        names.path("kind").asText(),
                        names.path("plural").asText(),
                        names.path("singular")
                                .asText(names.path("kind").asText().toLowerCase()),
                        !"Cluster".equals(spec.path("scope").asText()),
                        texts(names.path("shortNames")),
                        texts(names.path("categories")),
                        null,
                        version));
            }
        }
        return all;
    }

    List<ServedResource> inGroupVersion(String group, String version) {
        return select(r -> r.group().equals(group) && r.version().equals(version));
    }

    /** The resource at {@code /api/v1/...} or {@code /apis/GROUP/VERSION/...} named by its plural. */
    Optional<ServedResource> find(String group, String version, String plural) {
        return select(r -> r.group().equals(group)
                        && r.version().equals(version)
                        && r.plural().equals(plural))
                .stream()
                .findFirst();
    }

    private List<ServedResource> select(Predicate<ServedResource> which) {
        return all().stream().filter(which).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
