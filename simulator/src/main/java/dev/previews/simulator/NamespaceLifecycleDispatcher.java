package dev.previews.simulator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher (with RFC 7386 merge patches, {@link MergePatchDispatcher}) and the rule of
 * the API server's NamespaceLifecycle admission that an operator meets when a namespace is deleted:
 * nothing new is created in a namespace that is being deleted (it has a deletionTimestamp). The answer
 * is the API server's: 403 Forbidden, with the cause {@code NamespaceTerminating}. (The mock otherwise
 * takes objects in any namespace, even one that does not exist; it has no namespace controller either,
 * so a namespace with a finalizer stays in that state until the finalizer is removed.)
 */
final class NamespaceLifecycleDispatcher extends MergePatchDispatcher {
    /** A create in a namespace: {@code /api/v1/namespaces/NS/services}, {@code /apis/apps/v1/namespaces/NS/deployments}. */
    private static final Pattern CREATE_IN_NAMESPACE =
            Pattern.compile("^/apis?/(?:[^/]+/)+?namespaces/([^/]+)/([^/?]+)");

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Matcher m = CREATE_IN_NAMESPACE.matcher(request.getPath());
        if (m.find() && beingDeleted(m.group(1))) {
            return refused(m.group(1), m.group(2), request);
        }
        return super.handleCreate(request);
    }

    private boolean beingDeleted(String namespace) {
        MockResponse found = handleGet("/api/v1/namespaces/" + namespace);
        if (!found.getStatus().contains(" 200 ")) {
            return false;
        }
        Namespace ns = Serialization.unmarshal(found.getBody().readUtf8(), Namespace.class);
        return ns.getMetadata().getDeletionTimestamp() != null;
    }

    private static MockResponse refused(String namespace, String resource, RecordedRequest request) {
        String name = Serialization.unmarshal(request.getUtf8Body(), GenericKubernetesResource.class)
                .getMetadata()
                .getName();
        Status status = new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(HttpURLConnection.HTTP_FORBIDDEN)
                .withMessage(resource + " \"" + name + "\" is forbidden: unable to create new content in namespace "
                        + namespace + " because it is being terminated")
                .withNewDetails()
                .withName(name)
                .withKind(resource)
                .addNewCause()
                .withReason("NamespaceTerminating")
                .withField("metadata.namespace")
                .withMessage("namespace " + namespace + " is being terminated")
                .endCause()
                .endDetails()
                .build();
        return new MockResponse()
                .setResponseCode(HttpURLConnection.HTTP_FORBIDDEN)
                .setBody(Serialization.asJson(status));
    }
}
