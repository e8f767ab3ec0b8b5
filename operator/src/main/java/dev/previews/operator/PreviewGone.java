package dev.previews.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The preview's own status write answered 404: the API server no longer has the preview. Its deletion
 * may have arrived while the reconcile ran, and is not sure to be reconciled again (the fault tier saw
 * java-operator-sdk drop it after a failed reconcile): the reconciler treats this as the deletion.
 */
final class PreviewGone extends RuntimeException {
    PreviewGone(KubernetesClientException cause) {
        super(cause.getMessage(), cause);
    }

    /** Whether {@code e} is, or was caused by, a PreviewGone. */
    static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PreviewGone) return true;
        }
        return false;
    }
}
