package dev.previews.e2e;

import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A preview's life against the real controllers: Ready through the Deployment controller, seeded by
 * a Job the Job controller finishes, recreated on a new commit, and removed by the garbage collector.
 */
@EndToEnd
class LifecycleE2E {
    private static E2EEnvironment env;
    private static TestNamespace ns;

    @BeforeAll
    static void namespace(E2EEnvironment environment) {
        env = environment;
        ns = env.namespace("lifecycle", null);
    }

    @AfterAll
    static void cleanUp() {
        if (ns != null) ns.close();
    }

    @Test
    void aPreviewGoesReadyThroughTheRealDeploymentController() {
        PreviewDeployment created = ns.create(Previews.preview(ns.name(), "shop-login", "feature/login"));

        PreviewDeployment p = ns.awaitPreview("shop-login", ready());
        assertThat(p.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(p.getStatus().getShortCommit()).isEqualTo(COMMIT_A.substring(0, 7));
        assertThat(p.getStatus().getUrl()).isEqualTo("http://shop-login." + ns.name() + ".svc.cluster.local");
        assertThat(p.getStatus().getPlan()).isEqualTo("starter");
        assertThat(p.getStatus().getExpiresAt()).isNotNull();
        condition("Provisioned", "True", "Available").accept(p);
        condition("Seeded", "True", "NoSeed").accept(p);
        condition("SeedFailed", "False", null).accept(p);

        // what the Deployment controller and ReplicaSet controller wrote, not the operator
        Deployment d = ns.deployment("shop-login");
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
        assertThat(d.getStatus().getObservedGeneration())
                .isEqualTo(d.getMetadata().getGeneration());
        assertThat(d.getStatus().getConditions())
                .extracting(DeploymentCondition::getType, DeploymentCondition::getStatus)
                .contains(Tuple.tuple("Available", "True"));
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/shop/api:" + COMMIT_A.substring(0, 7));
        assertThat(ns.replicaSets("shop-login")).hasSize(1);
        assertThat(ns.pods("shop-login"))
                .extracting(pod -> pod.getStatus().getPhase())
                .containsExactly("Running");

        Service s = ns.service("shop-login");
        assertThat(s.getSpec().getClusterIP())
                .as("clusterIP the API server allocated")
                .isNotBlank();
        assertThat(s.getSpec().getPorts()).extracting(port -> port.getPort()).containsExactly(80);

        for (HasMetadata child : List.<HasMetadata>of(d, s)) {
            assertThat(child.getMetadata().getLabels())
                    .containsEntry(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                    .containsEntry(PreviewNames.LABEL_INSTANCE, "shop-login")
                    .containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_A);
            assertControlledBy(child, created);
        }
        ns.awaitEvents("shop-login", "Normal Provisioned");
    }

    @Test
    void aSeedThatSucceedsMakesThePreviewReady_throughTheRealJobController() {
        ns.create(Previews.withSeed(Previews.preview(ns.name(), "shop-seeded", "feature/seeded")));

        PreviewDeployment p = ns.awaitPreview("shop-seeded", ready());
        condition("Seeded", "True", "SeedSucceeded").accept(p);
        condition("SeedFailed", "False", null).accept(p);
        assertThat(p.getStatus().getSeed().getFinishedAt()).isNotNull();

        Job job = ns.jobs("shop-seeded").get(0);
        assertThat(job.getMetadata().getName())
                .isEqualTo(p.getStatus().getSeed().getJobName())
                .startsWith("shop-seeded-seed-" + COMMIT_A.substring(0, 7) + "-");
        assertThat(job.getStatus().getConditions())
                .extracting(JobCondition::getType, JobCondition::getStatus)
                .contains(Tuple.tuple("Complete", "True"));
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(EnvVar::getName)
                .contains("PREVIEW_URL", "PREVIEW_NAME", "PREVIEW_NAMESPACE", "PREVIEW_BRANCH", "PREVIEW_COMMIT");
        ns.awaitEvents("shop-seeded", "Normal SeedStarted", "Normal Seeded");
    }

    @Test
    void aSeedThatFailsSaysWhyFromItsTerminationMessage_andTheBackendStays() {
        String output = "loading fixtures from /app/fixtures/demo.sql\nERROR: relation \"users\" does not exist";
        env.kubelet().seedOutcome(ns.name(), "shop-broken-seed", FakeKubelet.fail(output));
        ns.create(Previews.withSeed(Previews.preview(ns.name(), "shop-broken-seed", "feature/broken-seed")));

        PreviewDeployment p = ns.awaitPreview("shop-broken-seed", phase(Phase.SeedFailed));
        condition("SeedFailed", "True", "BackoffLimitExceeded").accept(p);
        condition("Seeded", "False", "SeedFailed").accept(p);
        condition("Provisioned", "True", "Available").accept(p);
        condition("Ready", "False", "SeedFailed").accept(p);
        assertThat(Expect.message(p, "SeedFailed")).contains("ERROR: relation \"users\" does not exist");
        assertThat(p.getStatus().getSeed().getMessage()).contains("ERROR: relation \"users\" does not exist");

        Deployment backend = ns.deployment("shop-broken-seed");
        assertThat(backend).as("the backend after a failed seed").isNotNull();
        assertThat(backend.getStatus().getAvailableReplicas()).isEqualTo(1);
        assertThat(ns.jobs("shop-broken-seed").get(0).getStatus().getConditions())
                .extracting(JobCondition::getType, JobCondition::getReason)
                .contains(Tuple.tuple("Failed", "BackoffLimitExceeded"));
        assertThat(ns.awaitEvents("shop-broken-seed", "Warning SeedFailed")).anySatisfy(e -> {
            assertThat(e.getType() + " " + e.getReason()).isEqualTo("Warning SeedFailed");
            assertThat(e.getMessage()).contains("relation \"users\" does not exist");
        });
    }

    @Test
    void aNewCommitRecreatesTheDeployment_andSeedsAgain_keepingTheUrl() {
        ns.create(Previews.withSeed(Previews.preview(ns.name(), "shop-push", "feature/push")));
        PreviewDeployment before = ns.awaitPreview("shop-push", ready());
        Deployment oldDeployment = ns.deployment("shop-push");
        Service oldService = ns.service("shop-push");
        String oldJob = before.getStatus().getSeed().getJobName();

        // kubectl patch pd shop-push --type merge -p '{"spec":{"commit":"<B>"}}'
        ns.preview("shop-push")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"commit\":\"" + COMMIT_B + "\"}}");

        PreviewDeployment after = ns.awaitPreview("shop-push", p -> {
            ready().accept(p);
            assertThat(p.getStatus().getCommit()).isEqualTo(COMMIT_B);
            condition("Seeded", "True", "SeedSucceeded").accept(p);
        });
        Deployment newDeployment = ns.deployment("shop-push");
        assertThat(newDeployment.getMetadata().getUid())
                .as("uid of the Deployment after the push")
                .isNotEqualTo(oldDeployment.getMetadata().getUid());
        assertThat(newDeployment.getMetadata().getLabels()).containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_B);
        assertThat(newDeployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith(":" + COMMIT_B.substring(0, 7));
        assertThat(after.getStatus().getSeed().getJobName())
                .isNotEqualTo(oldJob)
                .contains("-seed-" + COMMIT_B.substring(0, 7) + "-");
        assertThat(ns.jobs("shop-push"))
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(after.getStatus().getSeed().getJobName());
        assertThat(ns.pods("shop-push"))
                .as("pods of the old commit")
                .noneMatch(pod -> COMMIT_A.equals(pod.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT)));
        assertThat(ns.service("shop-push").getMetadata().getUid())
                .as("the Service (and so the URL) survives")
                .isEqualTo(oldService.getMetadata().getUid());
        assertThat(after.getStatus().getUrl()).isEqualTo(before.getStatus().getUrl());
        assertThat(Instant.parse(after.getStatus().getCreatedAt()))
                .isAfterOrEqualTo(Instant.parse(before.getStatus().getCreatedAt()));
        ns.awaitEvents("shop-push", "Normal Recreating");
    }

    /**
     * `kubectl wait --for=condition=Ready` after an edit must wait for the rollout: while the new
     * backend Pods are not ready, no status for the new generation says Ready (every status write is
     * seen through a watch, so a Ready that lasts a few milliseconds counts too).
     */
    @Test
    void anEditedPreviewIsNotReadyForItsNewGenerationUntilTheDeploymentControllerHasRolledItOut() {
        ns.create(Previews.preview(ns.name(), "shop-edit", "feature/edit"));
        ns.awaitPreview("shop-edit", ready());
        List<String> statuses = new CopyOnWriteArrayList<>();
        try (var watch = ns.preview("shop-edit").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, PreviewDeployment p) {
                if (p.getStatus() != null) {
                    statuses.add("generation " + p.getStatus().getObservedGeneration() + ": Ready="
                            + p.getStatus()
                                    .condition("Ready")
                                    .map(c -> c.getStatus() + " " + c.getReason())
                                    .orElse("-"));
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            env.kubelet().holdBackends(ns.name(), "shop-edit");
            PreviewDeployment edited = ns.preview("shop-edit")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"backend\":{\"env\":[{\"name\":\"FEATURE_FLAGS\",\"value\":\"new-checkout\"}]}}}");
            long generation = edited.getMetadata().getGeneration();

            PreviewDeployment rolling = ns.awaitPreview("shop-edit", p -> {
                assertThat(p.getStatus().getObservedGeneration()).isEqualTo(generation);
                condition("Provisioned", "False", "Provisioning").accept(p);
                assertThat(ns.pods("shop-edit"))
                        .as("backend pods while the new one is held")
                        .hasSize(2);
            });
            condition("Ready", "False", "Provisioning").accept(rolling);
            assertThat(ns.deployment("shop-edit").getStatus().getUpdatedReplicas())
                    .isEqualTo(1);
            List<String> whileHeld = List.copyOf(statuses);

            env.kubelet().releaseBackends(ns.name(), "shop-edit");
            ns.awaitPreview("shop-edit", p -> {
                ready().accept(p);
                assertThat(ns.pods("shop-edit")).hasSize(1);
            });
            assertThat(whileHeld)
                    .as("statuses seen through a watch while the rollout was held")
                    .doesNotContain("generation " + generation + ": Ready=True Ready")
                    .contains("generation " + generation + ": Ready=False Provisioning");
        } finally {
            env.kubelet().releaseBackends(ns.name(), "shop-edit");
        }
    }

    @Test
    void deletingAPreviewRemovesItsChildrenThroughTheGarbageCollector() {
        ns.create(Previews.withSeed(Previews.preview(ns.name(), "shop-gone", "feature/gone")));
        ns.awaitPreview("shop-gone", ready());
        assertThat(ns.pods("shop-gone")).isNotEmpty();
        assertThat(ns.jobs("shop-gone")).isNotEmpty();

        ns.preview("shop-gone").delete(); // kubectl delete pd shop-gone (background propagation)

        ns.awaitGone("preview shop-gone", () -> ns.get("shop-gone"));
        ns.awaitGone("Deployment shop-gone", () -> ns.deployment("shop-gone"));
        ns.awaitGone("Service shop-gone", () -> ns.service("shop-gone"));
        ns.awaitGone("seed Jobs of shop-gone", () -> ns.jobs("shop-gone").isEmpty() ? null : ns.jobs("shop-gone"));
        ns.awaitGone(
                "ReplicaSets of shop-gone",
                () -> ns.replicaSets("shop-gone").isEmpty() ? null : ns.replicaSets("shop-gone"));
        ns.awaitGone("Pods of shop-gone", () -> {
            List<Pod> pods = ns.pods("shop-gone");
            return pods.isEmpty() ? null : pods;
        });
    }

    static void assertControlledBy(HasMetadata child, PreviewDeployment owner) {
        assertThat(child.getMetadata().getOwnerReferences())
                .as(
                        "ownerReferences of %s %s",
                        child.getKind(), child.getMetadata().getName())
                .singleElement()
                .satisfies((OwnerReference ref) -> {
                    assertThat(ref.getApiVersion()).isEqualTo(PreviewDeployment.API_VERSION);
                    assertThat(ref.getKind()).isEqualTo(PreviewDeployment.KIND);
                    assertThat(ref.getName()).isEqualTo(owner.getMetadata().getName());
                    assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
                    assertThat(ref.getController()).isTrue();
                    assertThat(ref.getBlockOwnerDeletion()).isTrue();
                });
    }
}
