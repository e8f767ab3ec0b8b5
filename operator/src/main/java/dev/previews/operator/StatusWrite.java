package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The one way a preview's status is written: a JSON patch of the status subresource that sets the
 * whole status. No read before it and no diff to compute; and no resourceVersion, so no lock: the
 * operator is the only writer of the status, and a lock would answer 409 to every status write that
 * races a spec change by someone else (kubectl apply --server-side, Argo CD). A JSON patch, not a
 * merge patch, so that the lists in the status (conditions) are replaced, never merged.
 */
public final class StatusWrite {
    private StatusWrite() {}

    /** Writes the status and returns the preview as the server stored it. */
    public static PreviewDeployment write(
            KubernetesClient client, PreviewDeployment preview, PreviewDeploymentStatus status) {
        // "add" sets the member whether or not the object has one yet (RFC 6902, 4.1)
        String patch = "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
                + client.getKubernetesSerialization().asJson(status) + "}]";
        // On an object, not on a name (fabric8 would read the object from the server first); on one that
        // holds only the name, since fabric8 copies the object it is given before the request.
        PreviewDeployment target = new PreviewDeployment();
        target.setMetadata(new ObjectMetaBuilder()
                .withName(preview.getMetadata().getName())
                .withNamespace(preview.getMetadata().getNamespace())
                .build());
        return client.resource(target).subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
    }
}
