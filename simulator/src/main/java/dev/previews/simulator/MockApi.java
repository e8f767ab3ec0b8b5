package dev.previews.simulator;

import dev.previews.api.CrdFinisher;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process Kubernetes API: fabric8's mock server in CRUD mode on loopback, which refuses new
 * objects in a namespace being deleted as the API server does ({@link NamespaceLifecycleDispatcher}),
 * with the PreviewDeployment CRD installed on demand. The sandbox and the tests build on it.
 */
public final class MockApi {
    /** Keeps the mock server's per-request INFO logging quiet (java.util.logging holds loggers weakly). */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private MockApi() {}

    /** Starts the API on {@code port} of the loopback interface (0: any free port). */
    public static KubernetesMockServer start(int port) {
        return start(port, new NamespaceLifecycleDispatcher());
    }

    static KubernetesMockServer start(int port, KubernetesCrudDispatcher dispatcher) {
        MOCK_LOG.setLevel(Level.WARNING);
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    /** Installs the PreviewDeployment CRD (with its status subresource) into a mock API server. */
    public static void installCrd(KubernetesMockServer server, KubernetesClient client) {
        CustomResourceDefinition crd = CrdFinisher.load();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        server.expectCustomResource(CustomResourceDefinitionContext.fromCrd(crd));
    }
}
