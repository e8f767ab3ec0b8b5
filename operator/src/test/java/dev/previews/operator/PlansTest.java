package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plans, TTL and expiry, the deployment limit and branch uniqueness, with a clock moved by hand. */
class PlansTest {
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("team", Duration.ofDays(2), 3, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("burst", Duration.ofDays(2), 10, ExpiryPolicy.Delete));
    PreviewCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    private void start() {
        cluster = new PreviewCluster(CONFIG);
    }

    private PreviewDeployment ready(String ns, String name) {
        return ready(ns, name, "feature/" + name);
    }

    private PreviewDeployment ready(String ns, String name, String branch) {
        cluster.create(preview(ns, name, branch));
        cluster.makeAvailable(ns, name);
        return cluster.awaitPreview(ns, name, condition("Ready", "True", null));
    }

    @Test
    void expiryWithDeleteDeletesThePreviewWhenItsTimeIsUp() {
        start();
        Instant created = cluster.clock().instant();
        PreviewDeployment p = ready("expire-delete", "old");
        assertThat(p.getStatus().getPlan()).isEqualTo("starter");
        assertThat(p.getStatus().getExpiresAt())
                .isEqualTo(created.plus(Duration.ofDays(5)).toString());

        cluster.advance(Duration.ofDays(5).minusMinutes(1));
        assertThat(cluster.get("expire-delete", "old"))
                .as("one minute before expiry")
                .isNotNull();
        cluster.advance(Duration.ofMinutes(1));
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.get("expire-delete", "old") == null);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() ->
                        assertThat(cluster.eventReasons("expire-delete", "old")).contains("Expired"));
    }

    @Test
    void expiryWithDeprovisionKeepsThePreviewUntilANewCommit() {
        start();
        cluster.namespace("gitops", "team");
        ready("gitops", "kept");
        cluster.advance(Duration.ofDays(2));

        PreviewDeployment expired =
                cluster.awaitPreview("gitops", "kept", condition("Provisioned", "False", "Expired"));
        assertThat(expired.getStatus().getPhase()).isEqualTo(Phase.Expired);
        assertThat(expired.getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("False");
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment("gitops", "kept") == null && cluster.service("gitops", "kept") == null);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons("gitops", "kept")).contains("Expired"));

        Instant pushed = cluster.clock().instant();
        cluster.edit("gitops", "kept", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        cluster.makeAvailable("gitops", "kept");
        PreviewDeployment again = cluster.awaitPreview("gitops", "kept", condition("Ready", "True", null));
        assertThat(again.getStatus().getCreatedAt()).isEqualTo(pushed.toString());
        assertThat(again.getStatus().getExpiresAt())
                .isEqualTo(pushed.plus(Duration.ofDays(2)).toString());
    }

    @Test
    void anExpiryThatPassedWhileTheOperatorWasDownIsAppliedAtStart() {
        start();
        ready("downtime", "late");
        cluster.stopOperator();
        cluster.clock().advance(Duration.ofDays(6));
        cluster.startOperator();
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.get("downtime", "late") == null);
    }

    @Test
    void ttlIsTheShorterOfSpecAndPlanAndRestartsOnRecreation() {
        start();
        Instant t0 = cluster.clock().instant();
        PreviewDeployment shortTtl = preview("ttl", "short", "feature/short");
        shortTtl.getSpec().setTtl("36h");
        cluster.create(shortTtl);
        PreviewDeployment longTtl = preview("ttl", "long", "feature/long");
        longTtl.getSpec().setTtl("9d");
        cluster.create(longTtl);

        assertThat(cluster.awaitPreview(
                                "ttl",
                                "short",
                                p -> p.getStatus() != null && p.getStatus().getExpiresAt() != null)
                        .getStatus()
                        .getExpiresAt())
                .isEqualTo(t0.plus(Duration.ofHours(36)).toString());
        assertThat(cluster.awaitPreview(
                                "ttl",
                                "long",
                                p -> p.getStatus() != null && p.getStatus().getExpiresAt() != null)
                        .getStatus()
                        .getExpiresAt())
                .isEqualTo(t0.plus(Duration.ofDays(5)).toString());
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.events("ttl", "long").stream()
                        .anyMatch(e -> "TtlCapped".equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && e.getMessage().contains("5d")));

        cluster.advance(Duration.ofHours(30));
        Instant pushed = cluster.clock().instant();
        cluster.edit("ttl", "short", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        assertThat(cluster.awaitPreview(
                                "ttl",
                                "short",
                                p -> COMMIT_B.equals(p.getStatus().getCommit()))
                        .getStatus()
                        .getExpiresAt())
                .isEqualTo(pushed.plus(Duration.ofHours(36)).toString());
        cluster.advance(Duration.ofHours(7));
        assertThat(cluster.get("ttl", "short"))
                .as("the recreation restarted the clock")
                .isNotNull();
    }

    @Test
    void theLimitAdmitsInCreationOrderAndTheNextOneWhenASlotFrees() {
        start();
        cluster.namespace("limited", "team");
        for (String name : List.of("p1", "p2", "p3", "p4", "p5")) {
            cluster.create(preview("limited", name, "feature/" + name));
        }
        for (String name : List.of("p1", "p2", "p3")) {
            cluster.awaitDeployment("limited", name);
        }
        for (String name : List.of("p4", "p5")) {
            // p4 may be refused while p3, ahead of it, still waits ("2 of 3"); p3's admission then tells it
            PreviewDeployment waiting = cluster.awaitPreview(
                    "limited",
                    name,
                    condition("Provisioned", "False", "DeploymentLimitExceeded")
                            .and(p -> p.getStatus()
                                    .condition("Provisioned")
                                    .orElseThrow()
                                    .getMessage()
                                    .startsWith("3 of 3 ")));
            assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.LimitExceeded);
            assertThat(waiting.getStatus()
                            .condition("Provisioned")
                            .orElseThrow()
                            .getMessage())
                    .startsWith("3 of 3 previews in use in namespace limited (plan team)");
            assertThat(cluster.deployment("limited", name)).isNull();
        }
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons("limited", "p4")).contains("DeploymentLimitExceeded"));

        cluster.client()
                .resources(PreviewDeployment.class)
                .inNamespace("limited")
                .withName("p2")
                .delete();
        cluster.awaitDeployment("limited", "p4");
        cluster.makeAvailable("limited", "p4");
        cluster.awaitPreview("limited", "p4", condition("Ready", "True", null));
        assertThat(cluster.get("limited", "p5").getStatus().getPhase()).isEqualTo(Phase.LimitExceeded);
        assertThat(cluster.deployment("limited", "p5")).isNull();
    }

    @Test
    void fiftyPreviewsCreatedAtOnceNeverExceedALimitOfTen() throws Exception {
        start();
        cluster.namespace("crowd", "burst");
        Set<String> live = ConcurrentHashMap.newKeySet();
        AtomicInteger most = new AtomicInteger();
        var watch = cluster.client().apps().deployments().inNamespace("crowd").watch(new Watcher<Deployment>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if (action == Action.ADDED) live.add(d.getMetadata().getName());
                if (action == Action.DELETED) live.remove(d.getMetadata().getName());
                most.accumulateAndGet(live.size(), Math::max);
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> creates = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = "c" + i;
            creates.add(pool.submit(() -> cluster.create(preview("crowd", name, "feature/" + name))));
        }
        for (Future<?> f : creates) f.get();
        pool.shutdown();

        await().atMost(PreviewCluster.WAIT)
                .until(() ->
                        cluster
                                        .client()
                                        .resources(PreviewDeployment.class)
                                        .inNamespace("crowd")
                                        .list()
                                        .getItems()
                                        .stream()
                                        .filter(p -> p.getStatus() != null
                                                && p.getStatus().getPhase() == Phase.LimitExceeded)
                                        .count()
                                == 40);
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("crowd")
                        .list()
                        .getItems())
                .hasSize(10);
        watch.close();
        assertThat(most.get())
                .as("Deployments at any observed moment")
                .isLessThanOrEqualTo(10)
                .isEqualTo(10);
    }

    @Test
    void namespacesGetThePlanOfTheirLabel() {
        start();
        cluster.namespace("team-pro", "professional");
        Instant t0 = cluster.clock().instant();
        PreviewDeployment pro = ready("team-pro", "api");
        PreviewDeployment starter = ready("team-default", "api");
        assertThat(pro.getStatus().getPlan()).isEqualTo("professional");
        assertThat(pro.getStatus().getExpiresAt())
                .isEqualTo(t0.plus(Duration.ofDays(14)).toString());
        assertThat(starter.getStatus().getPlan()).isEqualTo("starter");
        assertThat(starter.getStatus().getExpiresAt())
                .isEqualTo(t0.plus(Duration.ofDays(5)).toString());
    }

    @Test
    void anUnknownPlanIsReportedAndKeepsWhatRuns() {
        start();
        cluster.namespace("relabel", "starter");
        ready("relabel", "api");
        cluster.client().namespaces().withName("relabel").edit(ns -> {
            ns.getMetadata().getLabels().put(OperatorConfig.PLAN_LABEL, "gold");
            return ns;
        });
        PreviewDeployment unknown =
                cluster.awaitPreview("relabel", "api", condition("Provisioned", "False", "UnknownPlan"));
        assertThat(unknown.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains("previews.dev/plan=gold")
                .contains("starter, professional");
        assertThat(unknown.getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(cluster.deployment("relabel", "api"))
                .as("nothing provisioned is deleted")
                .isNotNull();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.events("relabel", "api").stream()
                        .anyMatch(e -> "UnknownPlan".equals(e.getReason()) && "Warning".equals(e.getType())));
    }

    @Test
    void aSecondPreviewForATakenBranchWaitsAndTakesOverWhenTheHolderGoes() {
        start();
        ready("branches", "first", "feature/shared");
        cluster.create(preview("branches", "second", "feature/shared"));
        PreviewDeployment conflict =
                cluster.awaitPreview("branches", "second", condition("Provisioned", "False", "BranchConflict"));
        assertThat(conflict.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains("feature/shared")
                .contains("preview first");
        assertThat(cluster.deployment("branches", "second")).isNull();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons("branches", "second").contains("BranchConflict"));

        cluster.client()
                .resources(PreviewDeployment.class)
                .inNamespace("branches")
                .withName("first")
                .delete();
        cluster.awaitDeployment("branches", "second");
        cluster.makeAvailable("branches", "second");
        cluster.awaitPreview("branches", "second", condition("Ready", "True", null));
    }
}
