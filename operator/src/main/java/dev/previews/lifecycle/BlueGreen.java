package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.ROLLED_OVER;
import static dev.previews.api.Conditions.SEED_FAILED;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions.RolledOver;
import dev.previews.api.Conditions.Seed;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.RolloverPhase;
import dev.previews.api.RolloverStatus;
import dev.previews.api.SeedStatus;
import dev.previews.lifecycle.Backend.ChildState;
import dev.previews.lifecycle.Decision.Action;
import dev.previews.lifecycle.Decision.Delete;
import dev.previews.lifecycle.Decision.Notice;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import dev.previews.workload.BackendResources;
import dev.previews.workload.DeploymentHealth;
import dev.previews.workload.DeploymentName;
import dev.previews.workload.SeedJobs;
import dev.previews.workload.SeedOutcome;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Objects;

/**
 * A BlueGreen rollover (DESIGN.md, "BlueGreen and Ready"): the incoming commit's backend starts beside
 * the serving one, as a Deployment {@code <name>-<shortCommit>} that selects its own pods and a Service
 * of that name; once it is available, the seed runs against that Service; once the seed succeeded, the
 * preview switches to it (the Service is pinned to the new commit by the backend step, and the old
 * commit's backend goes). A backend that never becomes available, or a failed seed, ends the rollover:
 * the old commit keeps serving, the incoming backend is deleted (its seed Job stays, with its output),
 * and nothing is tried again until the commit, the backend or the seed changes. Status: status.next,
 * the condition RolledOver, and SeedFailed for the incoming commit. Pure function.
 */
final class BlueGreen {
    private BlueGreen() {}

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    enum Step {
        /** The incoming backend starts or is seeded: the old commit serves. */
        UNDER_WAY,
        /** The rollover failed: the old commit serves until something changes. */
        FAILED,
        /** The incoming commit serves from now on. */
        SWITCHED
    }

    static Step advance(
            Observed o,
            SpecCheck.Resolved resolved,
            Replacement replacement,
            StatusDraft draft,
            List<Action> actions,
            List<Notice> notices) {
        PreviewDeployment preview = o.preview();
        String commit = preview.getSpec().getCommit();
        String serving = PreviewNames.shortCommit(replacement.servingCommit());
        PreviewDeploymentStatus status = draft.status();
        String attempt = attempt(preview, resolved, o.plan().podDefaults());
        RolloverStatus next = status.getNext();
        if (next == null || !commit.equals(next.getCommit()) || !attempt.equals(next.getAttempt())) {
            if (next != null && !next.failed() && !commit.equals(next.getCommit())) {
                notices.add(new Notice(
                        false,
                        "RolloverAbandoned",
                        "the rollover to commit " + next.getShortCommit() + " was abandoned for commit "
                                + PreviewNames.shortCommit(commit)));
            }
            next = started(o, commit, attempt);
            status.setNext(next);
        }
        if (next.failed()) {
            return Step.FAILED; // reported when it failed; the conditions stay
        }

        Deployment incoming = replacement.incoming();
        DeploymentName name = incoming != null ? DeploymentName.of(incoming) : DeploymentName.ofCommit(preview, commit);
        int replicas = preview.getSpec().getBackend().replicasOrDefault();
        ChildState state = Backend.ensure(
                o,
                incoming,
                Backend.wanted(
                        preview,
                        "incoming",
                        resolved.image(),
                        String.valueOf(replicas),
                        name.name(),
                        o.plan().podDefaults().key()),
                () -> BackendResources.deployment(
                        preview,
                        resolved.image(),
                        null,
                        replicas,
                        name,
                        o.plan().podDefaults()),
                actions);
        String serviceName = PreviewNames.commitName(o.name(), commit);
        Backend.ensure(
                o,
                o.children().service(serviceName),
                Backend.wanted(preview, "incoming", serviceName),
                () -> BackendResources.service(preview, serviceName, commit),
                actions);
        DeploymentHealth.Health health = Backend.health(state, incoming, replicas);
        switch (health.state()) {
            case FAILED -> {
                return fail(o, draft, next, RolloverPhase.Failed, null, health.message(), serving);
            }
            case PROGRESSING -> {
                next.setPhase(RolloverPhase.Provisioning);
                next.setMessage("the backend of commit " + next.getShortCommit() + " is starting: " + health.message());
                return underWay(draft, next, serving);
            }
            default -> {
                return seed(o, resolved, draft, next, actions, serving);
            }
        }
    }

    /** The incoming backend is available: its seed, once, then the switch. */
    private static Step seed(
            Observed o,
            SpecCheck.Resolved resolved,
            StatusDraft draft,
            RolloverStatus next,
            List<Action> actions,
            String serving) {
        PreviewDeployment preview = o.preview();
        if (preview.getSpec().getSeed() == null) {
            return switched(o, draft, next, serving);
        }
        String fingerprint = SeedJobs.fingerprint(preview, resolved.seedImage());
        String jobName = PreviewNames.seedJobName(o.name(), next.getCommit(), fingerprint);
        SeedStatus recorded =
                next.getSeed() != null && jobName.equals(next.getSeed().getJobName()) ? next.getSeed() : null;
        Job job = o.children().seedJobs().stream()
                .filter(j -> j.getMetadata().getName().equals(jobName))
                .findFirst()
                .orElse(null);
        if (job == null && recorded != null && recorded.getFinishedAt() != null) {
            return switched(o, draft, next, serving); // it succeeded (a failure ends the rollover) and was removed
        }
        if (job == null) {
            o.children().seedJobs().stream()
                    .filter(j -> next.getCommit().equals(Backend.label(j))
                            && j.getMetadata().getDeletionTimestamp() == null
                            && SeedOutcome.of(j).state() == SeedOutcome.State.RUNNING)
                    .forEach(j -> actions.add(new Delete(j, DeletionPropagation.BACKGROUND)));
            actions.add(Seeding.createSeedJob(o, resolved.seedImage(), next.getUrl(), fingerprint));
            next.setSeed(Seeding.seedStatus(jobName, Timestamps.format(o.now()), null, null, fingerprint));
            next.setPhase(RolloverPhase.Seeding);
            next.setMessage("seed Job " + jobName + " runs against " + next.getUrl());
            return underWay(draft, next, serving);
        }
        String startedAt = recorded != null && recorded.getStartedAt() != null
                ? recorded.getStartedAt()
                : Objects.requireNonNullElse(job.getMetadata().getCreationTimestamp(), Timestamps.format(o.now()));
        SeedOutcome.Outcome outcome = SeedOutcome.of(job);
        switch (outcome.state()) {
            case RUNNING -> {
                next.setSeed(Seeding.seedStatus(jobName, startedAt, null, null, fingerprint));
                next.setPhase(RolloverPhase.Seeding);
                next.setMessage("seed Job " + jobName + " runs against " + next.getUrl());
                return underWay(draft, next, serving);
            }
            case SUCCEEDED -> {
                next.setSeed(Seeding.seedStatus(
                        jobName,
                        startedAt,
                        Seeding.finishedAt(recorded, outcome, o),
                        "seed Job " + jobName + " succeeded",
                        fingerprint));
                return switched(o, draft, next, serving);
            }
            default -> {
                String message =
                        Seeding.failureMessage(jobName, outcome, o.seedOutput().of(jobName));
                next.setSeed(Seeding.seedStatus(
                        jobName, startedAt, Seeding.finishedAt(recorded, outcome, o), message, fingerprint));
                return fail(o, draft, next, RolloverPhase.SeedFailed, outcome.reason(), message, serving);
            }
        }
    }

    private static RolloverStatus started(Observed o, String commit, String attempt) {
        RolloverStatus next = new RolloverStatus();
        next.setCommit(commit);
        next.setShortCommit(PreviewNames.shortCommit(commit));
        next.setPhase(RolloverPhase.Provisioning);
        next.setStartedAt(Timestamps.format(o.now()));
        next.setUrl(PreviewNames.serviceUrl(PreviewNames.commitName(o.name(), commit), o.namespace()));
        next.setAttempt(attempt);
        return next;
    }

    private static Step underWay(StatusDraft draft, RolloverStatus next, String serving) {
        draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
        draft.condition(
                ROLLED_OVER,
                FALSE,
                RolledOver.ROLLING_OVER,
                "rolling over from commit " + serving + " to commit " + next.getShortCommit() + ": " + next.getMessage()
                        + "; commit " + serving + " serves meanwhile");
        return Step.UNDER_WAY;
    }

    /**
     * The rollover ends without a switch: the old commit serves on; the incoming backend goes with the
     * leftovers. SeedFailed says what the seed printed.
     */
    private static Step fail(
            Observed o,
            StatusDraft draft,
            RolloverStatus next,
            RolloverPhase phase,
            String seedReason,
            String message,
            String serving) {
        next.setPhase(phase);
        next.setFinishedAt(Timestamps.format(o.now()));
        next.setMessage(message);
        String what = phase == RolloverPhase.SeedFailed
                ? "the seed of commit " + next.getShortCommit() + " failed"
                : "the backend of commit " + next.getShortCommit() + " did not become available";
        if (phase == RolloverPhase.SeedFailed) {
            draft.condition(SEED_FAILED, TRUE, seedReason, message);
        } else {
            draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
        }
        draft.condition(
                ROLLED_OVER,
                FALSE,
                phase == RolloverPhase.SeedFailed ? RolledOver.SEED_FAILED : RolledOver.PROVISION_FAILED,
                what + ": " + message + "; commit " + serving
                        + " keeps serving (a new commit, or a change of the backend or the seed, tries again)");
        return Step.FAILED;
    }

    /** The incoming commit serves: its seed is the preview's, and the rollover is over. */
    private static Step switched(Observed o, StatusDraft draft, RolloverStatus next, String serving) {
        PreviewDeploymentStatus status = draft.status();
        status.setSeed(next.getSeed());
        status.setNext(null);
        draft.condition(
                ROLLED_OVER,
                TRUE,
                RolledOver.SWITCHED,
                "switched from commit " + serving + " to commit " + next.getShortCommit() + " at "
                        + Timestamps.format(o.now()) + " (the rollover started at " + next.getStartedAt() + ")");
        return Step.SWITCHED;
    }

    /**
     * Outside a rollover, status.next goes: a rollover to the commit that serves now ended with it
     * serving (the old backend went away, or the switch was not recorded); any other was abandoned.
     */
    static void settle(Observed o, StatusDraft draft, Replacement replacement) {
        RolloverStatus next = draft.status().getNext();
        if (next == null) {
            if (replacement.mode() == Replacement.Mode.RECREATE) draft.removeCondition(ROLLED_OVER);
            return;
        }
        draft.status().setNext(null);
        String commit = o.preview().getSpec().getCommit();
        if (replacement.mode() == Replacement.Mode.IN_PLACE && commit.equals(next.getCommit()) && !next.failed()) {
            draft.condition(
                    ROLLED_OVER,
                    TRUE,
                    RolledOver.SWITCHED,
                    "commit " + next.getShortCommit() + " serves; the backend it rolled over from is gone");
        } else {
            draft.removeCondition(ROLLED_OVER);
        }
    }

    /**
     * What an attempt runs: the commit, the backend, the seed and the plan's pod defaults. A failed attempt
     * is not tried again until one of them changes (a new commit, a fixed image, seed or default, a reseed).
     */
    static String attempt(PreviewDeployment preview, SpecCheck.Resolved resolved, PodDefaults defaults) {
        String seed = preview.getSpec().getSeed() == null ? "-" : SeedJobs.fingerprint(preview, resolved.seedImage());
        return PreviewNames.shortHash(
                preview.getSpec().getCommit() + "\n" + resolved.image() + "\n"
                        + JSON.asJson(preview.getSpec().getBackend()) + "\n" + seed + "\n" + defaults.key(),
                8);
    }
}
