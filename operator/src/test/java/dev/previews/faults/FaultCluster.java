package dev.previews.faults;

import static org.awaitility.Awaitility.await;

import dev.previews.e2e.E2EEnvironment;
import dev.previews.e2e.FakeKubelet;
import dev.previews.e2e.OperatorRbac;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fault tier's world, set up once per test JVM against the local control plane ({@link
 * ControlPlane}): the CRD as the build generated it, the operator's RBAC as the Helm chart renders it,
 * a token of its ServiceAccount, the operator's configuration file with the tier's plans, and the
 * {@link FakeKubelet} of the end-to-end tier with a periodic sweep (a kubelet's sync loop: after an
 * outage, the pods whose status write failed get it). Operators run as processes ({@link
 * OperatorReplica}); everything the tier observes it reads with the admin client.
 */
final class FaultCluster implements ExtensionContext.Store.CloseableResource {
    static final String OPERATOR_NAMESPACE = "preview-operator";
    static final String LEASE_NAME = "preview-operator";

    /** The tier's plans; a namespace picks one with its previews.dev/plan label. Long TTLs: no expiry. */
    static final Plan TWO = new Plan("faults-two", Duration.ofDays(1), 2, dev.previews.policy.ExpiryPolicy.Delete);

    static final Plan THREE = new Plan("faults-three", Duration.ofDays(1), 3, dev.previews.policy.ExpiryPolicy.Delete);
    static final Plan FOUR = new Plan("faults-four", Duration.ofDays(1), 4, dev.previews.policy.ExpiryPolicy.Delete);

    private final ControlPlane plane;
    private final KubernetesClient admin;
    private final Path work;
    private final Path config;
    private final String token;
    private final FakeKubelet kubelet;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-kubelet-sweep");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<String> adopted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FaultCluster(ControlPlane plane) {
        this.plane = plane;
        this.admin = client(5);
        this.work = Path.of("target/faults").toAbsolutePath();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        E2EEnvironment.installCrd(admin);
        // namespaces an earlier run left behind (killed before its clean-up) would load the operators
        admin.namespaces().withLabel("faults.previews.dev/tier", "true").delete();
        OperatorRbac rbac = OperatorRbac.load(admin);
        rbac.install(admin);
        this.token = admin.serviceAccounts()
                .inNamespace(rbac.serviceAccount().getMetadata().getNamespace())
                .withName(rbac.serviceAccount().getMetadata().getName())
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(4 * 3600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
        this.config = work.resolve("operator-config.yaml");
        writeOperatorConfig();
        this.kubelet = new FakeKubelet(admin).start();
        sweeper.scheduleWithFixedDelay(() -> adopted.forEach(kubelet::adopt), 5, 5, TimeUnit.SECONDS);
    }

    static FaultCluster start(ControlPlane plane) {
        return new FaultCluster(plane);
    }

    /**
     * An admin client from KUBECONFIG that gives up on an unreachable API server after {@code retries}
     * attempts (fabric8's default, 10 with doubling pauses, would block a caller for a minute and a
     * half while the tier has the API server stopped).
     */
    static KubernetesClient client(int retries) {
        Config config = Config.autoConfigure(null);
        config.setRequestRetryBackoffLimit(retries);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void writeOperatorConfig() {
        StringBuilder yaml = new StringBuilder("plans:\n");
        OperatorConfig defaults = OperatorConfig.defaults();
        for (Plan p : List.of(
                defaults.plan("starter").orElseThrow(),
                defaults.plan("professional").orElseThrow(),
                TWO,
                THREE,
                FOUR)) {
            yaml.append("  ")
                    .append(p.name())
                    .append(": {ttl: ")
                    .append(
                            p.ttl().toHours() % 24 == 0
                                    ? p.ttl().toDays() + "d"
                                    : p.ttl().toMinutes() + "m")
                    .append(", maxPreviews: ")
                    .append(p.maxPreviews())
                    .append(", expiry: ")
                    .append(p.expiry())
                    .append("}\n");
        }
        yaml.append("defaultPlan: starter\n");
        try {
            Files.writeString(config, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kubeconfig for the operator's ServiceAccount (its token only) that reaches the API server at this port. */
    void writeOperatorKubeconfig(Path file, int port) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters: [{name: local, cluster: {server: "https://127.0.0.1:%d", certificate-authority: "%s"}}]
                users: [{name: operator, user: {token: "%s"}}]
                contexts: [{name: local, context: {cluster: local, user: operator, namespace: %s}}]
                current-context: local
                """.formatted(port, plane.pki("ca.crt"), token, OPERATOR_NAMESPACE);
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh namespace on this plan, whose Pods the fake kubelet runs. */
    String namespace(String scenario, Plan plan) {
        String name = ("faults-" + scenario + "-"
                        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)))
                .toLowerCase(Locale.ROOT);
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of(OperatorConfig.PLAN_LABEL, plan.name(), "faults.previews.dev/tier", "true"))
                        .endMetadata()
                        .build())
                .create();
        await("ServiceAccount default in " + name)
                .atMost(E2EEnvironment.WAIT)
                .pollInterval(E2EEnvironment.POLL)
                .until(() -> admin.serviceAccounts()
                                .inNamespace(name)
                                .withName("default")
                                .get()
                        != null);
        kubelet.adopt(name);
        adopted.add(name);
        return name;
    }

    /** Deletes the namespaces and waits (bounded) until the namespace controller has removed them. */
    void deleteNamespaces(List<String> names) {
        names.forEach(n -> admin.namespaces().withName(n).delete());
        await("namespaces " + names + " deleted")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> names.stream()
                        .allMatch(n -> admin.namespaces().withName(n).get() == null));
        names.forEach(n -> {
            adopted.remove(n);
            kubelet.release(n);
        });
    }

    ControlPlane plane() {
        return plane;
    }

    KubernetesClient admin() {
        return admin;
    }

    Path work() {
        return work;
    }

    Path operatorConfig() {
        return config;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        kubelet.close();
        admin.close();
    }
}
