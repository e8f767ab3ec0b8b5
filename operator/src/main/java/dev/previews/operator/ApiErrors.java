package dev.previews.operator;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What an API server's refusal means for the operator, from its code and its status's causes. */
final class ApiErrors {
    private ApiErrors() {}

    /** The object changed after it was read (409 Conflict). */
    static boolean isConflict(Throwable e) {
        return e instanceof KubernetesClientException k && k.getCode() == 409;
    }

    /**
     * The namespace is being deleted: the API server creates nothing new in it (403 Forbidden with the
     * cause NamespaceTerminating, from its NamespaceLifecycle admission), and the namespace controller
     * is deleting what is in it, the preview included.
     */
    static boolean isNamespaceTerminating(Throwable e) {
        if (!(e instanceof KubernetesClientException k) || k.getCode() != 403) {
            return false;
        }
        Status status = k.getStatus();
        StatusDetails details = status == null ? null : status.getDetails();
        return details != null
                && details.getCauses() != null
                && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
