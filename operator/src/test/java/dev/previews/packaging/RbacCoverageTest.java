package dev.previews.packaging;

import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.IngressSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.ops.LeaseTimings;
import dev.previews.ops.OperatorProcess;
import dev.previews.ops.ProcessOptions;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.simulator.ManualClock;
import dev.previews.simulator.WorkloadSimulator;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The RBAC of deploy/ and of the chart against what the operator really does: the operator runs a
 * whole lifecycle (provision with an Ingress, update, seed failure, recreate, deprovision at expiry,
 * the same invalid edit twice (an Event's count raised), deletion at expiry, leader election) against a mock API that enforces those rules for its
 * ServiceAccount, as a real API server would. Nothing may be refused, and every granted verb must be
 * one the operator used, or one of the few that only rare paths use (listed and explained below).
 */
class RbacCoverageTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String OPERATOR_NS = "preview-operator";

    /** Granted on purpose although the scenario does not send them. */
    static final Map<String, String> GRANTED_FOR_RARE_PATHS = Map.of(
            "previews.dev/previewdeployments/finalizers:update",
            "not a request: the OwnerReferencesPermissionEnforcement admission plugin (e.g. OpenShift) requires it to set blockOwnerDeletion",
            "coordination.k8s.io/leases:update",
            "java-operator-sdk 5.2.3 refuses to start leader election without it (fabric8 7.5.2 renews with patch)");

    @Test
    void deployManifestsGrantExactlyWhatTheOperatorUsesWatchingAllNamespaces() {
        List<GenericKubernetesResource> rbac = Manifests.objects(Manifests.DEPLOY);
        runLifecycle(rbac, Set.of(), "preview-operator");
    }

    @Test
    void chartWithWatchNamespacesGrantsExactlyWhatTheOperatorUsesInThoseNamespaces() {
        List<GenericKubernetesResource> rbac = ChartRendering.render("watchNamespaces: [team-a, team-b]\n");
        assertThat(Manifests.ofKind(rbac, "ClusterRole"))
                .singleElement()
                .satisfies(c -> assertThat(c.getMetadata().getName()).isEqualTo("preview-operator-namespaces"));
        runLifecycle(rbac, Set.of("team-a", "team-b"), "preview-operator");
    }

    private void runLifecycle(List<GenericKubernetesResource> manifests, Set<String> watched, String leaseName) {
        AtomicInteger lostLeadership = new AtomicInteger();
        try (RbacMockApi api = new RbacMockApi(manifests, OPERATOR_NS, "preview-operator");
                KubernetesClient operatorClient = api.operatorClient(OPERATOR_NS)) {
            KubernetesClient admin = api.admin();
            ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
            OperatorConfig withShort = OperatorConfig.defaults()
                    .withPlan(new Plan("short", Duration.ofHours(1), 10, ExpiryPolicy.Deprovision));
            OperatorConfig config = new OperatorConfig(withShort.plans(), "short", null, watched);
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(OPERATOR_NS)
                            .endMetadata()
                            .build())
                    .create();
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("team-a")
                            .endMetadata()
                            .build())
                    .create();
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("team-b")
                            .withLabels(Map.of(OperatorConfig.PLAN_LABEL, "starter"))
                            .endMetadata()
                            .build())
                    .create();
            WorkloadSimulator simulator = new WorkloadSimulator(admin, Duration.ZERO);

            OperatorProcess process = OperatorProcess.start(
                    operatorClient,
                    config,
                    clock,
                    ProcessOptions.defaults()
                            .withManagementPort(0)
                            .withLeaderElection(leaseName, OPERATOR_NS, "rbac-test")
                            .withLeaseTimings(new LeaseTimings(
                                    Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(250)))
                            .withOnLostLeadership(lostLeadership::incrementAndGet));
            try {
                await().atMost(WAIT).until(() -> process.role() == OperatorProcess.Role.LEADER);

                // team-a (default plan short, Deprovision): Ingress, a failing seed, updates, a recreation, expiry
                PreviewDeployment login = withSeed(preview("team-a", "login", "feature/login"));
                IngressSpec ingress = new IngressSpec();
                ingress.setHost("login.team-a.example.com");
                login.getSpec().setIngress(ingress);
                admin.resource(login).create();
                await().atMost(WAIT)
                        .until(() -> admin.network()
                                                .v1()
                                                .ingresses()
                                                .inNamespace("team-a")
                                                .withName("login")
                                                .get()
                                        != null
                                && admin.services()
                                                .inNamespace("team-a")
                                                .withName("login")
                                                .get()
                                        != null);
                awaitDeployment(admin, "team-a", "login");
                simulator.markAvailable("team-a", "login");
                String job = awaitSeedJob(admin, "team-a", "login");
                simulator.failSeed("team-a", job, "seed: no such table");
                await().atMost(WAIT).until(() -> phase(admin, "team-a", "login").equals("SeedFailed"));

                PreviewCluster.edit(admin, "team-a", "login", p -> {
                    p.getSpec().getBackend().setReplicas(2);
                    p.getSpec().getIngress().setHost("login-v2.team-a.example.com");
                    return p;
                });
                await().atMost(WAIT)
                        .until(() -> "login-v2.team-a.example.com"
                                .equals(admin.network()
                                        .v1()
                                        .ingresses()
                                        .inNamespace("team-a")
                                        .withName("login")
                                        .get()
                                        .getSpec()
                                        .getRules()
                                        .get(0)
                                        .getHost()));
                PreviewCluster.edit(admin, "team-a", "login", p -> {
                    p.getSpec().setIngress(null);
                    return p;
                });
                await().atMost(WAIT)
                        .until(() -> admin.network()
                                        .v1()
                                        .ingresses()
                                        .inNamespace("team-a")
                                        .withName("login")
                                        .get()
                                == null);
                await().atMost(WAIT)
                        .until(() -> awaitDeployment(admin, "team-a", "login")
                                        .getSpec()
                                        .getReplicas()
                                == 2);

                PreviewCluster.edit(admin, "team-a", "login", p -> {
                    p.getSpec().setCommit(COMMIT_B);
                    return p;
                });
                await().atMost(WAIT).until(() -> {
                    Deployment d = admin.apps()
                            .deployments()
                            .inNamespace("team-a")
                            .withName("login")
                            .get();
                    return d != null
                            && COMMIT_B.equals(d.getMetadata().getLabels().get("previews.dev/commit"));
                });
                clock.advance(Duration.ofHours(2));
                process.operator().wakeUps().fireDue();
                await().atMost(WAIT).until(() -> phase(admin, "team-a", "login").equals("Expired"));
                await().atMost(WAIT)
                        .until(() -> admin.services()
                                        .inNamespace("team-a")
                                        .withName("login")
                                        .get()
                                == null);

                // team-b (label previews.dev/plan=starter, Delete): provision, Ready, deleted at expiry
                admin.resource(preview("team-b", "cart", "feature/cart")).create();
                awaitDeployment(admin, "team-b", "cart");
                simulator.markAvailable("team-b", "cart");
                await().atMost(WAIT).until(() -> phase(admin, "team-b", "cart").equals("Ready"));
                // the same mistake twice: the second InvalidSpec Event raises the first one's count (a patch)
                for (int i = 0; i < 2; i++) {
                    image(admin, "team-b", "cart", "registry.example.com/shop/api:{{sha}}");
                    await().atMost(WAIT)
                            .until(() -> phase(admin, "team-b", "cart").equals("Invalid"));
                    image(admin, "team-b", "cart", "registry.example.com/shop/api:{{shortCommit}}");
                    await().atMost(WAIT)
                            .until(() -> phase(admin, "team-b", "cart").equals("Ready"));
                }
                clock.advance(Duration.ofDays(6));
                process.operator().wakeUps().fireDue();
                // The namespace's label gives it plan starter (Delete) whether or not watchNamespaces is set.
                await().atMost(WAIT)
                        .until(() -> admin.resources(PreviewDeployment.class)
                                        .inNamespace("team-b")
                                        .withName("cart")
                                        .get()
                                == null);
            } finally {
                process.close();
                simulator.close();
            }

            assertThat(api.denied()).as("requests the RBAC refused").isEmpty();
            assertThat(lostLeadership).hasValue(0);
            Set<String> used = new TreeSet<>();
            api.operatorRequests().forEach(r -> used.add(Rbac.key(r.group(), r.resource(), r.verb())));
            Set<String> granted = new TreeSet<>(new Rbac(manifests, OPERATOR_NS, "preview-operator").grants());
            Set<String> unused = new TreeSet<>(granted);
            unused.removeAll(used);
            unused.removeIf(GRANTED_FOR_RARE_PATHS::containsKey);
            // get reveals nothing list does not: kept where list is used (reads by name, e.g. after a 409)
            unused.removeIf(k -> k.endsWith(":get") && used.contains(k.replace(":get", ":list")));
            assertThat(unused).as("granted but not used by the operator").isEmpty();
        }
    }

    static String phase(KubernetesClient c, String ns, String name) {
        PreviewDeployment p = c.resources(PreviewDeployment.class)
                .inNamespace(ns)
                .withName(name)
                .get();
        return p == null || p.getStatus() == null || p.getStatus().getPhase() == null
                ? ""
                : p.getStatus().getPhase().name();
    }

    static void image(KubernetesClient c, String ns, String name, String image) {
        PreviewCluster.edit(c, ns, name, p -> {
            p.getSpec().getBackend().setImage(image);
            return p;
        });
    }

    static Deployment awaitDeployment(KubernetesClient c, String ns, String name) {
        await().atMost(WAIT)
                .until(() ->
                        c.apps().deployments().inNamespace(ns).withName(name).get() != null);
        return c.apps().deployments().inNamespace(ns).withName(name).get();
    }

    static String awaitSeedJob(KubernetesClient c, String ns, String preview) {
        await().atMost(WAIT)
                .until(() -> !c.batch()
                        .v1()
                        .jobs()
                        .inNamespace(ns)
                        .withLabel("app.kubernetes.io/instance", preview)
                        .list()
                        .getItems()
                        .isEmpty());
        return c.batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withLabel("app.kubernetes.io/instance", preview)
                .list()
                .getItems()
                .get(0)
                .getMetadata()
                .getName();
    }
}
