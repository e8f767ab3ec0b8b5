package dev.previews.testing;

import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.OperatorConfig;
import dev.previews.simulator.ManualClock;
import dev.previews.simulator.MockApi;
import dev.previews.simulator.WorkloadSimulator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one test fixture: a mock API server in CRUD mode with the CRD installed, the real operator
 * running against it with a manual clock, and the workload simulator driven by the test (Deployments
 * become available and seed Jobs finish only when the test says so). Also counts reconciles and
 * records the requests the API server receives.
 *
 * <p>A test class holds one in a static {@code @RegisterExtension} field: it starts with the class
 * and stops after the class's last test.
 */
public final class PreviewCluster implements AutoCloseable, AfterAllCallback {
    public static final Duration WAIT = Duration.ofSeconds(20);
    public static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final KubernetesClient operatorClient;
    private final ManualClock clock;
    private OperatorConfig config;
    private final WorkloadSimulator simulator;
    private final Map<ResourceID, AtomicInteger> reconciles = new ConcurrentHashMap<>();
    private final FailedReconciles failed = new FailedReconciles();
    private PreviewOperator operator;

    public PreviewCluster() {
        this(OperatorConfig.defaults());
    }

    public PreviewCluster(OperatorConfig config) {
        this(config, null);
    }

    /**
     * With {@code operatorRequests} (when not null) seeing every request of the operator's own client
     * before it is sent: to make something happen between the operator's read and its write.
     */
    public PreviewCluster(OperatorConfig config, Interceptor operatorRequests) {
        this.server = MockApi.start(0);
        this.client = server.createClient();
        this.operatorClient = operatorRequests == null
                ? client
                : new KubernetesClientBuilder()
                        .withConfig(client.getConfiguration())
                        .withHttpClientBuilderConsumer(
                                b -> b.addOrReplaceInterceptor("test-operator-requests", operatorRequests))
                        .build();
        MockApi.installCrd(server, client);
        this.clock = new ManualClock(START);
        this.config = config;
        this.simulator = new WorkloadSimulator(client, Duration.ZERO);
        startOperator();
    }

    /** Starts the operator (again, after {@link #stopOperator()}: a restart). */
    public void startOperator() {
        operator = new PreviewOperator(
                        operatorClient,
                        config,
                        clock,
                        o -> o.withMetrics(new Metrics() {
                            @Override
                            public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
                                reconciles
                                        .computeIfAbsent(ResourceID.fromResource(resource), k -> new AtomicInteger())
                                        .incrementAndGet();
                            }

                            @Override
                            public void failedReconciliation(
                                    HasMetadata resource, Exception exception, Map<String, Object> metadata) {
                                failed.add(resource, exception);
                            }
                        }))
                .start();
    }

    /** Starts the operator again with another configuration, as a rollout of a changed ConfigMap does. */
    public void startOperator(OperatorConfig changed) {
        this.config = changed;
        startOperator();
    }

    public void stopOperator() {
        operator.close();
    }

    public KubernetesClient client() {
        return client;
    }

    public ManualClock clock() {
        return clock;
    }

    public WorkloadSimulator simulator() {
        return simulator;
    }

    public PreviewOperator operator() {
        return operator;
    }

    /** Moves the clock and lets the operator's timers fire what is due. */
    public void advance(Duration d) {
        clock.advance(d);
        operator.wakeUps().fireDue();
    }

    /** Creates a namespace whose label picks the plan. */
    public void namespace(String name, String plan) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .addToLabels(OperatorConfig.PLAN_LABEL, plan)
                        .endMetadata()
                        .build())
                .create();
    }

    public PreviewDeployment create(PreviewDeployment p) {
        return client.resource(p).create();
    }

    public PreviewDeployment get(String namespace, String name) {
        return client.resources(PreviewDeployment.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    public PreviewDeployment edit(String namespace, String name, UnaryOperator<PreviewDeployment> change) {
        return edit(client, namespace, name, change);
    }

    /**
     * Edits a preview as a user with {@code kubectl edit} does: read, change, write with the
     * resourceVersion read; when the operator wrote the status in between (HTTP 409), read again and
     * retry, a bounded number of times.
     */
    public static PreviewDeployment edit(
            KubernetesClient client, String namespace, String name, UnaryOperator<PreviewDeployment> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resources(PreviewDeployment.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Waits (bounded) until the preview satisfies the condition, and returns it. */
    public PreviewDeployment awaitPreview(String namespace, String name, Predicate<PreviewDeployment> condition) {
        List<PreviewDeployment> seen = new ArrayList<>(1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            PreviewDeployment p = get(namespace, name);
            if (p != null && condition.test(p)) {
                seen.add(p);
                return true;
            }
            return false;
        });
        return seen.get(0);
    }

    public static Predicate<PreviewDeployment> condition(String type, String status, String reason) {
        return p -> p.getStatus() != null
                && p.getStatus()
                        .condition(type)
                        .filter(c -> status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason())))
                        .isPresent();
    }

    public Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    public Service service(String namespace, String name) {
        return client.services().inNamespace(namespace).withName(name).get();
    }

    public List<Job> seedJobs(String namespace, String preview) {
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withLabel("app.kubernetes.io/instance", preview)
                .list()
                .getItems();
    }

    public Deployment awaitDeployment(String namespace, String name) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> deployment(namespace, name) != null);
        return deployment(namespace, name);
    }

    public Job awaitSeedJob(String namespace, String preview) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !seedJobs(namespace, preview).isEmpty());
        return seedJobs(namespace, preview).get(0);
    }

    /** Marks the preview's Deployment available, as the Deployment controller would. */
    public void makeAvailable(String namespace, String name) {
        awaitDeployment(namespace, name);
        simulator.markAvailable(namespace, name);
    }

    public List<Event> events(String namespace, String preview) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> preview.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    public List<String> eventReasons(String namespace, String preview) {
        return events(namespace, preview).stream().map(Event::getReason).toList();
    }

    public int reconcileCount(String namespace, String name) {
        AtomicInteger n = reconciles.get(new ResourceID(name, namespace));
        return n == null ? 0 : n.get();
    }

    /** The reconciles that failed in a namespace (see {@link FailedReconciles}). */
    public List<String> failedReconciles(String namespace) {
        return failed.in(namespace);
    }

    /** Forgets the requests received so far. */
    public void clearRequests() {
        drainRequests();
    }

    /** The requests received since the last call, as "METHOD path". */
    public List<String> drainRequests() {
        List<String> out = new ArrayList<>();
        try {
            RecordedRequest r;
            while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
                out.add(r.getMethod() + " " + r.getPath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Position of the first request starting with the prefix, or -1: to assert the order of writes. */
    public static int indexOf(List<String> requests, String prefix) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).startsWith(prefix)) return i;
        }
        return -1;
    }

    public static List<String> writes(List<String> requests) {
        return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        try {
            operator.close();
        } finally {
            simulator.close();
            if (operatorClient != client) operatorClient.close();
            client.close();
            server.destroy();
        }
    }
}
