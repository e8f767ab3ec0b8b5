package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.Rollover;
import dev.previews.lifecycle.Decision.Action;
import dev.previews.lifecycle.Decision.Create;
import dev.previews.lifecycle.Decision.Delete;
import dev.previews.lifecycle.Decision.Notice;
import dev.previews.lifecycle.Decision.Update;
import dev.previews.lifecycle.Decision.Verify;
import dev.previews.policy.Plan;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.Durations;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import dev.previews.workload.BackendResources;
import dev.previews.workload.ChildDrift;
import dev.previews.workload.DeploymentHealth;
import dev.previews.workload.DeploymentName;
import dev.previews.workload.KeptBackend;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The backend of an admitted preview: the Deployment of the commit it serves, its Service and Ingress
 * brought to what the spec asks for (a new commit under Recreate first deletes the old Deployments and
 * waits until they are gone), the time line of the deployment, and what the Deployment's status says
 * of it. During a BlueGreen rollover the serving commit is one the spec no longer describes: its
 * Deployment is kept as it is (see {@link KeptBackend}) and the Service keeps selecting it. Pure
 * function: the writes are actions for the executor.
 */
final class Backend {
    private Backend() {}

    /** What became of the backend: whether the seed may go on, and the deployment's time line. */
    record Outcome(boolean proceeds, Timeline timeline) {}

    enum ChildState {
        CREATED,
        HOLDS,
        /** Put back where its spec drifted: its controller acts on it anew. */
        UPDATED,
        /** Put back where only its labels, annotations or owner references drifted: its status still tells. */
        RELABELED
    }

    /**
     * The time line of the deployment that serves: the current one, or one created now (a new commit
     * whose old backend is gone, a deployment that expired, a Deployment the operator did not date). A
     * Deployment deleted by hand comes back with its deployment's createdAt.
     */
    static Timeline deployed(Observed o, Timeline timeline, Replacement replacement) {
        if (replacement.mode() != Replacement.Mode.IN_PLACE) return timeline;
        PreviewDeploymentStatus current =
                Optional.ofNullable(o.preview().getStatus()).orElseGet(PreviewDeploymentStatus::new);
        boolean sameDeployment =
                timeline.live() && o.preview().getSpec().getCommit().equals(current.getCommit());
        Deployment deployment = replacement.serving();
        boolean fresh = (deployment == null || Timeline.annotated(deployment) == null) && !sameDeployment;
        return fresh || timeline.createdAt() == null ? timeline.startingAt(o.now()) : timeline;
    }

    static Outcome provision(
            Observed o,
            SpecCheck.Resolved resolved,
            Plan plan,
            Replacement replacement,
            Timeline deployed,
            Sleep sleep,
            StatusDraft draft,
            List<Action> actions,
            List<Notice> notices) {
        PreviewDeployment preview = o.preview();
        PreviewDeploymentStatus current =
                Optional.ofNullable(preview.getStatus()).orElseGet(PreviewDeploymentStatus::new);
        if (replacement.mode() == Replacement.Mode.RECREATE) {
            recreate(o, draft, actions);
            return new Outcome(false, deployed);
        }
        String commit = replacement.servingCommit();
        Deployment deployment = replacement.serving();
        PreviewDeploymentStatus status = draft.status();
        String createdAt = Timestamps.format(deployed.createdAt());
        String expiresAt = Timestamps.format(deployed.expiresAt());
        status.setCommit(commit);
        status.setShortCommit(PreviewNames.shortCommit(commit));
        status.setCreatedAt(createdAt);
        status.setExpiresAt(expiresAt);
        if (deployed.ttl().capped() && !expiresAt.equals(current.getExpiresAt())) {
            notices.add(new Notice(
                    true,
                    "TtlCapped",
                    "spec.ttl " + preview.getSpec().getTtl() + " is longer than plan " + plan.name()
                            + " allows; the preview lives "
                            + Durations.format(deployed.ttl().effective())));
        }

        int replicas = sleep.asleep() ? 0 : preview.getSpec().getBackend().replicasOrDefault();
        ChildState backend;
        if (replacement.mode() == Replacement.Mode.IN_PLACE) {
            DeploymentName name = deployment != null
                    ? DeploymentName.of(deployment)
                    : Replacement.strategy(preview, plan) == Rollover.BlueGreen
                            ? DeploymentName.ofCommit(preview, commit)
                            : DeploymentName.plain(preview);
            PodDefaults defaults = plan.defaults();
            backend = ensure(
                    o,
                    deployment,
                    wanted(preview, resolved.image(), createdAt, String.valueOf(replicas), name.name(), defaults.key()),
                    () -> BackendResources.deployment(preview, resolved.image(), createdAt, replicas, name, defaults),
                    actions);
        } else {
            backend = ensure(
                    o,
                    deployment,
                    wanted(preview, "kept", commit, String.valueOf(replicas)),
                    () -> KeptBackend.of(deployment, replicas),
                    actions);
        }
        ensure(
                o,
                o.children().service(o.name()),
                wanted(preview, "serves", commit),
                () -> BackendResources.service(preview, o.name(), commit),
                actions);
        if (resolved.host() != null) {
            ensure(
                    o,
                    o.children().ingress(),
                    wanted(preview, resolved.host()),
                    () -> BackendResources.ingress(preview, resolved.host()),
                    actions);
            status.setExternalUrl(BackendResources.externalUrl(preview, resolved.host()));
        } else {
            if (o.children().ingress() != null) {
                actions.add(new Delete(o.children().ingress(), DeletionPropagation.BACKGROUND));
            }
            status.setExternalUrl(null);
        }
        status.setUrl(PreviewNames.serviceUrl(o.name(), o.namespace()));
        if (sleep.asleep()) {
            draft.condition(PROVISIONED, FALSE, Provisioned.ASLEEP, sleep.message(o.name()));
        } else {
            health(preview, deployment, backend, draft);
        }
        return new Outcome(true, deployed);
    }

    private static void health(PreviewDeployment preview, Deployment deployment, ChildState state, StatusDraft draft) {
        if (preview.getSpec().getBackend().replicasOrDefault() == 0) {
            draft.condition(
                    PROVISIONED,
                    FALSE,
                    Provisioned.SCALED_TO_ZERO,
                    "spec.backend.replicas is 0: no pod serves the preview (the seed runs once it is 1 or more)");
            return;
        }
        DeploymentHealth.Health health =
                health(state, deployment, preview.getSpec().getBackend().replicasOrDefault());
        String commit = draft.status().getShortCommit();
        switch (health.state()) {
            case AVAILABLE ->
                draft.condition(
                        PROVISIONED,
                        TRUE,
                        Provisioned.AVAILABLE,
                        "backend for commit " + commit + " is available: " + health.message());
            case FAILED -> draft.condition(PROVISIONED, FALSE, Provisioned.PROVISION_FAILED, health.message());
            case PROGRESSING -> draft.condition(PROVISIONED, FALSE, Provisioned.PROVISIONING, health.message());
        }
    }

    /** What a Deployment's state says: one just created or put back progresses; else its status tells. */
    static DeploymentHealth.Health health(ChildState state, Deployment deployment, int replicas) {
        return switch (state) {
            case CREATED ->
                new DeploymentHealth.Health(
                        DeploymentHealth.State.PROGRESSING,
                        "waiting for the Deployment controller (0 of " + replicas + " replicas available)");
            case UPDATED ->
                new DeploymentHealth.Health(
                        DeploymentHealth.State.PROGRESSING,
                        "updating Deployment " + deployment.getMetadata().getName());
            case HOLDS, RELABELED -> DeploymentHealth.of(deployment);
        };
    }

    /**
     * A new commit under Recreate: stop the other commits' seeds, delete their Deployments and Services
     * of their own, and wait until the Deployments are gone.
     */
    private static void recreate(Observed o, StatusDraft draft, List<Action> actions) {
        String commit = o.preview().getSpec().getCommit();
        Observed.Children children = o.children();
        for (Job job : children.seedJobs()) {
            if (!commit.equals(label(job)) && job.getMetadata().getDeletionTimestamp() == null) {
                actions.add(new Delete(job, DeletionPropagation.BACKGROUND));
            }
        }
        for (Service service : children.services()) {
            if (!service.getMetadata().getName().equals(o.name())
                    && service.getMetadata().getDeletionTimestamp() == null) {
                actions.add(new Delete(service, DeletionPropagation.BACKGROUND));
            }
        }
        List<String> old = new ArrayList<>();
        for (Deployment d : children.deployments()) {
            if (commit.equals(label(d))) continue;
            old.add(PreviewNames.shortCommit(label(d)));
            if (d.getMetadata().getDeletionTimestamp() == null) {
                actions.add(new Delete(d, DeletionPropagation.FOREGROUND));
            }
        }
        String message = "deleting the backend of commit " + String.join(", ", old) + " before creating commit "
                + PreviewNames.shortCommit(commit);
        draft.condition(PROVISIONED, FALSE, Provisioned.RECREATING, message);
        draft.seedWaits("the seed runs again once the new backend is available");
        draft.condition(READY, FALSE, Provisioned.RECREATING, message);
        draft.phase(Phase.Provisioning);
    }

    /**
     * Creates the child when absent, puts it back when it drifted, and otherwise records that this
     * version holds what is wanted. A version already seen to hold the same {@code wanted} is neither
     * built nor compared again.
     */
    static <T extends HasMetadata> ChildState ensure(
            Observed o, T actual, String wanted, Supplier<T> desired, List<Action> actions) {
        if (actual != null && wanted != null && o.verified().holds(actual, wanted)) {
            return ChildState.HOLDS;
        }
        T want = desired.get();
        if (actual == null) {
            actions.add(new Create(want, wanted));
            return ChildState.CREATED;
        }
        Optional<String> drift = ChildDrift.of(want, actual);
        if (drift.isEmpty()) {
            actions.add(new Verify(actual, wanted));
            return ChildState.HOLDS;
        }
        actions.add(new Update(want, actual, wanted, drift.get()));
        return drift.get().startsWith("metadata.")
                        && ChildDrift.ofSpec(want, actual).isEmpty()
                ? ChildState.RELABELED
                : ChildState.UPDATED;
    }

    /**
     * What a child is made from: the preview (its uid and the generation of its spec) and the given
     * values resolved from it; null when the preview has no generation to go by. A child built from
     * anything else as well must name it here, or a change to it would not reach a child that has not
     * changed since it was last verified.
     */
    static String wanted(PreviewDeployment preview, String... resolved) {
        Long generation = preview.getMetadata().getGeneration();
        return generation == null
                ? null
                : preview.getMetadata().getUid() + "/" + generation + "/" + String.join("/", resolved);
    }

    static String label(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(PreviewNames.LABEL_COMMIT);
    }
}
