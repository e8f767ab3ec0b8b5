package dev.previews.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version of each child was last seen to hold what its preview wanted, and what the preview
 * wanted then. A child that has not changed since, wanted the same, needs no comparison: no one
 * changed it, and the preview asks for nothing new.
 *
 * <p>What counts as a change depends on the kind. The API server raises the generation of a
 * Deployment, a Job or an Ingress on every change of its spec and on nothing else, so for those a
 * change is a new generation or other labels, annotations or owner references (the only metadata the
 * operator sets): the status updates of their controllers (a Deployment becoming available, a pod
 * restarting) do not count. For other kinds (Services) any write counts: a new resourceVersion.
 */
final class VerifiedChildren {
    /** Kinds whose generation moves with their spec, and only with it. */
    private static final Set<String> SPEC_GENERATION_KINDS = Set.of("Deployment", "Job", "Ingress");

    /** By the child's namespace and name (a preview's children share its name), then by kind. */
    private final Map<ResourceID, Map<String, Stamp>> seen = new ConcurrentHashMap<>();

    /** What must stay the same; the metadata is null where the version is the resourceVersion. */
    private record Stamp(
            String uid,
            String version,
            Map<String, String> labels,
            Map<String, String> annotations,
            List<OwnerReference> owners,
            String wanted) {}

    boolean holds(HasMetadata child, String wanted) {
        Map<String, Stamp> byKind = seen.get(ResourceID.fromResource(child));
        Stamp last = byKind == null ? null : byKind.get(child.getKind());
        return last != null && last.equals(stamp(child, wanted, false));
    }

    void remember(HasMetadata child, String wanted) {
        if (child == null || wanted == null) {
            return;
        }
        seen.computeIfAbsent(ResourceID.fromResource(child), k -> new ConcurrentHashMap<>(4))
                .put(child.getKind(), stamp(child, wanted, true));
    }

    void forget(HasMetadata child) {
        Map<String, Stamp> byKind = seen.get(ResourceID.fromResource(child));
        if (byKind != null) {
            byKind.remove(child.getKind());
        }
    }

    /** Forgets the children named like the preview, and those named after it and a commit. */
    void forget(ResourceID name) {
        seen.remove(name);
        String prefix = name.getName() + "-";
        seen.keySet()
                .removeIf(id ->
                        id.getName().startsWith(prefix) && id.getNamespace().equals(name.getNamespace()));
    }

    /** @param keep copies of the metadata, to be kept (a stamp only compared with is not kept) */
    private static Stamp stamp(HasMetadata child, String wanted, boolean keep) {
        ObjectMeta m = child.getMetadata();
        if (m.getGeneration() == null || !SPEC_GENERATION_KINDS.contains(child.getKind())) {
            return new Stamp(m.getUid(), "rv " + m.getResourceVersion(), null, null, null, wanted);
        }
        return new Stamp(
                m.getUid(),
                "generation " + m.getGeneration(),
                copy(m.getLabels(), keep),
                copy(m.getAnnotations(), keep),
                owners(m.getOwnerReferences(), keep),
                wanted);
    }

    private static List<OwnerReference> owners(List<OwnerReference> owners, boolean keep) {
        List<OwnerReference> present = owners == null ? List.of() : owners;
        return keep ? List.copyOf(present) : present;
    }

    private static Map<String, String> copy(Map<String, String> map, boolean keep) {
        Map<String, String> present = map == null ? Map.of() : map;
        return keep ? Map.copyOf(present) : present;
    }
}
