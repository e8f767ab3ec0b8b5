package dev.previews.lifecycle;

import dev.previews.api.Conditions;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.Rollover;
import dev.previews.policy.Admission;
import dev.previews.policy.AwakeSchedule;
import dev.previews.policy.ConditionSet;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.Previews;
import dev.previews.workload.BackendResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a decision observes, built by hand: a preview with its status, its children, its plan, the
 * ledger's answer, the time. Each method returns a changed copy, so that a test reads as a story.
 */
final class Scene {
    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    static final Duration TTL = Duration.ofDays(2);
    static final OperatorConfig CONFIG = new OperatorConfig(new LinkedHashMap<>(), "std", null, Set.of())
            .withPlan(new Plan("std", TTL, 3, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("gone", TTL, 3, ExpiryPolicy.Delete))
            .withPlan(new Plan("large", Duration.ofDays(5), 10, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("living", TTL, 3, ExpiryPolicy.Deprovision)
                    .withMaxTtl(Duration.ofDays(5))
                    .withWarnBefore(Duration.ofDays(1))
                    .withSleepAfter(Duration.ofHours(12)))
            .withPlan(new Plan("blue", TTL, 3, ExpiryPolicy.Deprovision).withRollover(Rollover.BlueGreen))
            .withPlan(new Plan("bluedefaults", TTL, 3, ExpiryPolicy.Deprovision)
                    .withRollover(Rollover.BlueGreen)
                    .withDefaults(PlanDefaultsDecisionTest.LOGS))
            .withPlan(new Plan("bluesleep", TTL, 3, ExpiryPolicy.Deprovision)
                    .withSleepAfter(Duration.ofHours(12))
                    .withRollover(Rollover.BlueGreen))
            .withPlan(new Plan("office", Duration.ofDays(14), 3, ExpiryPolicy.Deprovision)
                    .withAwake(AwakeSchedule.parse("Mon-Fri 07:00-20:00 UTC")));
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    final PreviewDeployment preview;
    final Observed.Children children;
    final String planLabel;
    final boolean admitted;
    final Optional<String> branchHolder;
    final Instant now;

    private Scene(
            PreviewDeployment preview,
            Observed.Children children,
            String planLabel,
            boolean admitted,
            Optional<String> branchHolder,
            Instant now) {
        this.preview = preview;
        this.children = children;
        this.planLabel = planLabel;
        this.admitted = admitted;
        this.branchHolder = branchHolder;
        this.now = now;
    }

    /** A preview just created: no status, no children. */
    static Scene created() {
        PreviewDeployment p = Previews.preview("team", "shop", "feature/shop");
        p.getMetadata().setUid("shop-uid");
        p.getMetadata().setGeneration(1L);
        p.getMetadata().setCreationTimestamp(T0.toString());
        return new Scene(p, Observed.Children.NONE, null, true, Optional.empty(), T0);
    }

    /** Ready an hour after its creation at T0: its Deployment available, its Service there. */
    static Scene ready() {
        Scene s = created();
        PreviewDeployment p = s.preview;
        String createdAt = T0.toString();
        Deployment d = BackendResources.deployment(p, "registry.example.com/shop/api:a1b2c3d", createdAt);
        d.getMetadata().setGeneration(1L);
        d.getMetadata().setUid("deployment-uid");
        d.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(1L)
                .withReplicas(1)
                .withUpdatedReplicas(1)
                .withAvailableReplicas(1)
                .withReadyReplicas(1)
                .build());
        var service = BackendResources.service(p);
        service.getSpec().setClusterIP("10.0.0.17");
        PreviewDeploymentStatus status = new PreviewDeploymentStatus();
        status.setObservedGeneration(1L);
        status.setPhase(Phase.Ready);
        status.setCommit(p.getSpec().getCommit());
        status.setShortCommit(PreviewNames.shortCommit(p.getSpec().getCommit()));
        status.setPlan("std");
        status.setExpiryPolicy("Deprovision");
        status.setUrl(PreviewNames.serviceUrl("shop", "team"));
        status.setCreatedAt(createdAt);
        status.setExpiresAt(T0.plus(TTL).toString());
        status.setConditions(List.of());
        condition(status, Conditions.PROVISIONED, "True", "Available");
        condition(status, Conditions.SEEDED, "True", "NoSeed");
        condition(status, Conditions.SEED_FAILED, "False", "NoFailure");
        condition(status, Conditions.READY, "True", "Ready");
        p.setStatus(status);
        return new Scene(
                p,
                Observed.Children.of(d, service, null, List.of()),
                null,
                true,
                Optional.empty(),
                T0.plusSeconds(3600));
    }

    private static void condition(PreviewDeploymentStatus s, String type, String value, String reason) {
        s.setConditions(ConditionSet.put(s.getConditions(), type, value, reason, "", 1L, T0));
    }

    Scene edit(Consumer<PreviewDeployment> change) {
        PreviewDeployment p = JSON.clone(preview);
        change.accept(p);
        p.getMetadata().setGeneration(preview.getMetadata().getGeneration() + 1);
        return new Scene(p, children, planLabel, admitted, branchHolder, now);
    }

    Scene status(Consumer<PreviewDeploymentStatus> change) {
        PreviewDeployment p = JSON.clone(preview);
        change.accept(p.getStatus());
        return new Scene(p, children, planLabel, admitted, branchHolder, now);
    }

    Scene children(Observed.Children c) {
        return new Scene(preview, c, planLabel, admitted, branchHolder, now);
    }

    Scene plan(String label) {
        return new Scene(preview, children, label, admitted, branchHolder, now);
    }

    Scene slot(boolean isAdmitted) {
        return new Scene(preview, children, planLabel, isAdmitted, branchHolder, now);
    }

    Scene branchHeldBy(String holder) {
        return new Scene(preview, children, planLabel, admitted, Optional.ofNullable(holder), now);
    }

    Scene at(Instant instant) {
        return new Scene(preview, children, planLabel, admitted, branchHolder, instant);
    }

    /**
     * The scene after the decision was carried out, as the API server would have it before any
     * controller acted: the decision's status, its creations (new objects at generation 1, no status),
     * its updates (the desired object, one generation later, status kept) and its deletions (gone).
     */
    Scene apply(Decision decision) {
        PreviewDeployment p = JSON.clone(preview);
        p.setStatus(decision.status() == null ? null : JSON.clone(decision.status()));
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(children.deployments());
        all.addAll(children.services());
        if (children.ingress() != null) all.add(children.ingress());
        all.addAll(children.seedJobs());
        for (Decision.Action action : decision.actions()) {
            if (action instanceof Decision.Create c) {
                HasMetadata created = JSON.clone(c.desired());
                created.getMetadata().setUid(created.getMetadata().getName() + "-uid");
                created.getMetadata().setGeneration(1L);
                created.getMetadata().setCreationTimestamp(now.toString());
                all.add(created);
            } else if (action instanceof Decision.Update u) {
                HasMetadata updated = JSON.clone(u.desired());
                updated.getMetadata().setUid(u.actual().getMetadata().getUid());
                long generation =
                        Objects.requireNonNullElse(u.actual().getMetadata().getGeneration(), 1L);
                boolean specMoved = !Objects.equals(
                        JSON.asJson(JSON.convertValue(u.desired(), Map.class).get("spec")),
                        JSON.asJson(JSON.convertValue(u.actual(), Map.class).get("spec")));
                updated.getMetadata().setGeneration(specMoved ? generation + 1 : generation);
                if (u.actual() instanceof Deployment d) ((Deployment) updated).setStatus(d.getStatus());
                all.removeIf(o -> same(o, u.actual()));
                all.add(updated);
            } else if (action instanceof Decision.Delete d) {
                all.removeIf(o -> same(o, d.child()));
            }
        }
        Observed.Children after = new Observed.Children(
                sortedOf(all, Deployment.class),
                sortedOf(all, Service.class),
                all.stream()
                        .filter(Ingress.class::isInstance)
                        .map(Ingress.class::cast)
                        .findFirst()
                        .orElse(null),
                sortedOf(all, Job.class));
        return new Scene(p, after, planLabel, admitted, branchHolder, now);
    }

    /** The named Deployment became available at its current generation. */
    Scene available(String deployment) {
        return children(withDeployment(deployment, d -> {
            int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
            d.setStatus(new DeploymentStatusBuilder()
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(replicas)
                    .withUpdatedReplicas(replicas)
                    .withAvailableReplicas(replicas)
                    .withReadyReplicas(replicas)
                    .build());
        }));
    }

    /** The named Deployment gave up: its rollout exceeded its progress deadline. */
    Scene stuck(String deployment) {
        return children(withDeployment(
                deployment,
                d -> d.setStatus(new DeploymentStatusBuilder()
                        .withObservedGeneration(d.getMetadata().getGeneration())
                        .addNewCondition()
                        .withType("Progressing")
                        .withStatus("False")
                        .withReason("ProgressDeadlineExceeded")
                        .withMessage("ReplicaSet has timed out progressing.")
                        .endCondition()
                        .build())));
    }

    /** Every seed Job of the commit finished: Complete, or Failed after its retries. */
    Scene seedFinished(String commit, boolean succeeded) {
        List<Job> jobs = new ArrayList<>();
        for (Job job : children.seedJobs()) {
            Job j = JSON.clone(job);
            if (commit.equals(Observed.Children.commitOf(j))) {
                j.setStatus(new JobStatusBuilder()
                        .addNewCondition()
                        .withType(succeeded ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(succeeded ? null : "BackoffLimitExceeded")
                        .withMessage(succeeded ? null : "Job has reached the specified backoff limit")
                        .withLastTransitionTime(now.toString())
                        .endCondition()
                        .build());
            }
            jobs.add(j);
        }
        return children(new Observed.Children(children.deployments(), children.services(), children.ingress(), jobs));
    }

    private Observed.Children withDeployment(String name, Consumer<Deployment> change) {
        List<Deployment> deployments = new ArrayList<>();
        for (Deployment d : children.deployments()) {
            Deployment copy = JSON.clone(d);
            if (name.equals(copy.getMetadata().getName())) change.accept(copy);
            deployments.add(copy);
        }
        return new Observed.Children(deployments, children.services(), children.ingress(), children.seedJobs());
    }

    private static boolean same(HasMetadata a, HasMetadata b) {
        return a.getKind().equals(b.getKind())
                && a.getMetadata().getName().equals(b.getMetadata().getName());
    }

    private static <T extends HasMetadata> List<T> sortedOf(List<HasMetadata> all, Class<T> type) {
        return all.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .sorted(Comparator.comparing(o -> o.getMetadata().getName()))
                .toList();
    }

    /** The first backend Deployment, or null. */
    Deployment deployment() {
        return children.deployments().isEmpty() ? null : children.deployments().get(0);
    }

    /** The first Service, or null. */
    Service service() {
        return children.services().isEmpty() ? null : children.services().get(0);
    }

    Observed observed() {
        Admission.Decision slot =
                admitted ? new Admission.Decision(true, 1, 3, 0) : new Admission.Decision(false, 3, 3, 0);
        return new Observed(
                preview,
                Observed.PlanChoice.of(CONFIG, planLabel),
                children,
                false,
                slot,
                branchHolder,
                Observed.SeedOutput.NONE,
                Observed.Verified.NOTHING,
                CONFIG,
                now);
    }

    Decision decide() {
        return Lifecycle.decide(observed());
    }
}
