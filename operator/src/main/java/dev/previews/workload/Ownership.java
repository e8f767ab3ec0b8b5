package dev.previews.workload;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and the controller owner reference every child of a preview carries. */
public final class Ownership {
    private Ownership() {}

    public static OwnerReference controllerReference(PreviewDeployment preview) {
        return new OwnerReferenceBuilder()
                .withApiVersion(PreviewDeployment.API_VERSION)
                .withKind(PreviewDeployment.KIND)
                .withName(preview.getMetadata().getName())
                .withUid(preview.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** Labels selecting the pods of one component of a preview. */
    public static Map<String, String> selector(PreviewDeployment preview, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PreviewNames.LABEL_NAME, component);
        labels.put(PreviewNames.LABEL_INSTANCE, preview.getMetadata().getName());
        return labels;
    }

    /** Full labels: the selector, managed-by and the commit. */
    public static Map<String, String> labels(PreviewDeployment preview, String component, String commit) {
        Map<String, String> labels = selector(preview, component);
        labels.put(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY);
        labels.put(PreviewNames.LABEL_COMMIT, commit);
        return labels;
    }

    public static ObjectMeta metadata(PreviewDeployment preview, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(preview.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(controllerReference(preview))
                .build();
    }

    /** Whether the object is controlled by this preview (same uid). */
    public static boolean isOwnedBy(HasMetadata child, PreviewDeployment preview) {
        return child.getMetadata().getOwnerReferences() != null
                && child.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> Boolean.TRUE.equals(r.getController())
                                && preview.getMetadata().getUid().equals(r.getUid()));
    }
}
