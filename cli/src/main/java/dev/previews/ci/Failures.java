package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/** Turns the API server's answers into messages a person can act on. */
final class Failures {
    private Failures() {}

    static final String RESOURCE = "previewdeployments.previews.dev";
    static final String RBAC_HINT =
            "The identity the CI uses needs a Role with the verbs get, list, create, update and delete on "
                    + "previewdeployments in the API group previews.dev (docs/CI.md has one).";

    /**
     * An expected failure for a request that failed: the verb and resource it was, and what to do.
     * 409 Conflict is not translated here (callers retry).
     */
    static CliFailure of(KubernetesClientException e, String verb, String namespace, Cluster cluster) {
        String where = namespace == null ? " in any namespace" : " in namespace " + namespace;
        String said = serverMessage(e);
        if (e.getCode() <= 0 && hasCause(e, IOException.class)) {
            return CliFailure.error("cannot reach the Kubernetes API server at " + cluster.server() + ": "
                    + networkProblem(e) + ".\nCheck the kubeconfig (" + cluster.source()
                    + ") and that the cluster is reachable from here.");
        }
        return switch (e.getCode()) {
            case 401 ->
                CliFailure.error("the API server at " + cluster.server() + " did not accept the credentials of "
                        + cluster.source() + " (401 Unauthorized): the token or certificate may have expired.");
            case 403 ->
                CliFailure.error("permission denied: cannot " + verb + " " + RESOURCE + where + ".\n" + RBAC_HINT
                        + "\nThe API server said: " + said);
            case 404 ->
                "list".equals(verb) || "watch".equals(verb)
                        ? crdMissing(cluster)
                        : CliFailure.error("cannot " + verb + " " + RESOURCE + where + ": not found (" + said + ")");
            case 400, 422 -> CliFailure.invalid("the API server refused to " + verb + " the preview: " + said);
            default ->
                CliFailure.error("cannot " + verb + " " + RESOURCE + where + ": HTTP " + e.getCode() + ": " + said);
        };
    }

    static CliFailure crdMissing(Cluster cluster) {
        return CliFailure.error("the PreviewDeployment API (" + RESOURCE
                + "/v1alpha1) is not installed in the cluster at " + cluster.server()
                + ".\nInstall the operator first: kubectl apply -f crds/ -f deploy/ (or the Helm chart).");
    }

    static String serverMessage(KubernetesClientException e) {
        if (e.getStatus() != null
                && e.getStatus().getMessage() != null
                && !e.getStatus().getMessage().isBlank()) {
            return e.getStatus().getMessage();
        }
        return rootMessage(e);
    }

    /** What is wrong with a manifest Jackson could not map: the field's path and the problem. */
    static String jsonProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonMappingException m) {
                StringBuilder path = new StringBuilder();
                for (JsonMappingException.Reference r : m.getPath()) {
                    if (r.getFieldName() != null)
                        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
                    else if (r.getIndex() >= 0)
                        path.append('[').append(r.getIndex()).append(']');
                }
                if (m instanceof UnrecognizedPropertyException) {
                    return "unknown field " + path;
                }
                String detail = m.getOriginalMessage() == null
                        ? ""
                        : m.getOriginalMessage().lines().findFirst().orElse("");
                return "field " + path + ": " + detail;
            }
        }
        return rootMessage(e);
    }

    /** Why a connection failed, in words: the JDK's exceptions often carry no message. */
    static String networkProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) return "unknown host " + t.getMessage();
            if (t instanceof ConnectException || t instanceof ClosedChannelException) {
                return "connection refused";
            }
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) return "timed out";
            if (t instanceof SSLException) return "TLS failed (" + t.getMessage() + ")";
        }
        return rootMessage(e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
