package dev.previews.simulator;

import dev.previews.simulator.kubectl.KubectlFront;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.time.Clock;

/**
 * The sandbox's in-process Kubernetes API: one store, reached two ways. The JVM's own clients (the
 * operator, the simulator) use fabric8's mock server ({@link MockApi}) as the tests do; clients outside
 * the JVM (kubectl, the project's CLI) use the {@link KubectlFront} on the port asked for, which serves
 * what kubectl needs of an API server on top of the same store.
 */
public final class SandboxApi implements AutoCloseable {
    private final KubernetesMockServer mock;
    private final KubectlFront front;

    private SandboxApi(KubernetesMockServer mock, KubectlFront front) {
        this.mock = mock;
        this.front = front;
    }

    /** Starts both on loopback: the mock on any free port, the front on {@code port} (0: any free port). */
    public static SandboxApi start(int port) {
        NamespaceLifecycleDispatcher store = new NamespaceLifecycleDispatcher();
        KubernetesMockServer mock = MockApi.start(0, store);
        try {
            return new SandboxApi(
                    mock, KubectlFront.start(store, InetAddress.getLoopbackAddress(), port, Clock.systemUTC()));
        } catch (RuntimeException e) {
            mock.destroy();
            throw e;
        }
    }

    /** The mock server, for clients in this JVM ({@link KubernetesMockServer#createClient()}). */
    public KubernetesMockServer mock() {
        return mock;
    }

    /** Where clients outside the JVM reach the API: {@code http://localhost:PORT}. */
    public String url() {
        return front.url();
    }

    @Override
    public void close() {
        front.close();
        mock.destroy();
    }
}
