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
     * A failure that trying again soon may cure: a conflict (the object changed after it was read), the
     * API server busy (429) or failing (5xx), or no answer at all. Anything else (403 Forbidden, 404, a
     * quota, 422) stays until someone changes something, so the operator says so in the status at
     * once and looks again only after a long pause.
     */
    static boolean isTransient(Throwable e) {
        if (!(e instanceof KubernetesClientException k)) return true;
        int code = k.getCode();
        return code == 0 || code == 409 || code == 429 || code >= 500;
    }

    /** The API server's own words for a refusal (its Status message), else the client's. */
    static String message(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null
                && status.getMessage() != null
                && !status.getMessage().isBlank()) {
            return status.getMessage();
        }
        return String.valueOf(e.getMessage());
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
