package dev.previews.sandbox;

import dev.previews.operator.PreviewOperator;
import dev.previews.policy.OperatorConfig;
import dev.previews.simulator.GarbageCollector;
import dev.previews.simulator.MockApi;
import dev.previews.simulator.SandboxApi;
import dev.previews.simulator.WorkloadSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The embedded default: an in-process Kubernetes API (fabric8's mock server in CRUD mode, which kubectl
 * reaches through the {@link SandboxApi}'s front) on loopback with the PreviewDeployment CRD installed,
 * the operator running against it, the workload simulator standing in for the controllers and
 * kubelets, and a garbage collector that deletes what a deleted preview owned. Tests build on it too.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxApi api;
    private final GarbageCollector collector;
    private final KubernetesClient client;
    private final PreviewOperator operator;
    private final WorkloadSimulator simulator;

    /** How to start a sandbox. */
    public record Options(int port, OperatorConfig config, Clock clock, Duration simulatorDelay, boolean simulate) {
        public static Options defaults() {
            return new Options(0, OperatorConfig.defaults(), Clock.systemUTC(), Duration.ofMillis(800), true);
        }

        public Options withPort(int port) {
            return new Options(port, config, clock, simulatorDelay, simulate);
        }

        public Options withConfig(OperatorConfig config) {
            return new Options(port, config, clock, simulatorDelay, simulate);
        }

        public Options withClock(Clock clock) {
            return new Options(port, config, clock, simulatorDelay, simulate);
        }

        public Options withSimulation(boolean on, Duration delay) {
            return new Options(port, config, clock, delay, on);
        }
    }

    private Sandbox(
            SandboxApi api,
            KubernetesClient client,
            GarbageCollector collector,
            PreviewOperator operator,
            WorkloadSimulator simulator) {
        this.api = api;
        this.collector = collector;
        this.client = client;
        this.operator = operator;
        this.simulator = simulator;
    }

    /** Starts the API, installs the CRD and starts the operator (and the simulator when asked). */
    public static Sandbox start(Options options) {
        SandboxApi api = SandboxApi.start(options.port());
        KubernetesMockServer server = api.mock();
        KubernetesClient client = server.createClient();
        MockApi.installCrd(server, client);
        // a cluster has it; kubectl get namespaces would otherwise list nothing
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("default")
                        .endMetadata()
                        .withNewStatus()
                        .withPhase("Active")
                        .endStatus()
                        .build())
                .create();
        GarbageCollector collector = new GarbageCollector(client).start();
        PreviewOperator operator = new PreviewOperator(client, options.config(), options.clock()).start();
        WorkloadSimulator simulator = new WorkloadSimulator(client, options.simulatorDelay());
        if (options.simulate()) {
            simulator.start();
        }
        return new Sandbox(api, client, collector, operator, simulator);
    }

    /** Writes a kubeconfig for other clients (kubectl, the project's CLI) to reach the sandbox's API. */
    public Path writeKubeconfig(Path file) throws IOException {
        String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: %s
        users:
        - name: sandbox
          user:
            token: sandbox
        contexts:
        - name: sandbox
          context:
            cluster: sandbox
            user: sandbox
            namespace: default
        current-context: sandbox
        """.formatted(url());
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    /** Where clients outside this JVM reach the API (the front; the JVM's own clients use {@link #server()}). */
    public String url() {
        return api.url();
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return api.mock();
    }

    public PreviewOperator operator() {
        return operator;
    }

    public WorkloadSimulator simulator() {
        return simulator;
    }

    @Override
    public void close() {
        simulator.close();
        operator.close();
        collector.close();
        client.close();
        api.close();
    }
}
