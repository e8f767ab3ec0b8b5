package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions.Seed;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.lifecycle.Decision.Action;
import dev.previews.lifecycle.Decision.Create;
import dev.previews.lifecycle.Decision.Delete;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import dev.previews.workload.SeedJobs;
import dev.previews.workload.SeedOutcome;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The seed of a provisioned preview: one Job per (deployment, commit, seed spec, reseed value), run
 * once the backend is available, never again for the same fingerprint (its name carries it, so a
 * restart finds it), and its outcome recorded in the status, which outlives the Job. Pure function.
 */
final class Seeding {
    private Seeding() {}

    static void seed(
            Observed o, SpecCheck.Resolved resolved, Timeline timeline, StatusDraft draft, List<Action> actions) {
        PreviewDeployment preview = o.preview();
        List<Job> jobs = o.children().seedJobs();
        PreviewDeploymentStatus status = draft.status();
        if (preview.getSpec().getSeed() == null) {
            jobs.stream()
                    .filter(j -> SeedOutcome.of(j).state() == SeedOutcome.State.RUNNING)
                    .forEach(j -> actions.add(new Delete(j, DeletionPropagation.BACKGROUND)));
            status.setSeed(null);
            draft.condition(SEEDED, TRUE, Seed.NO_SEED, "no seed is configured");
            draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            return;
        }
        String fingerprint = SeedJobs.fingerprint(preview, resolved.seedImage());
        SeedStatus recorded = recorded(preview, jobs, fingerprint);
        String jobName = recorded != null
                ? recorded.getJobName()
                : PreviewNames.seedJobName(o.name(), preview.getSpec().getCommit(), fingerprint);
        Job job = jobs.stream()
                .filter(j -> j.getMetadata().getName().equals(jobName))
                .findFirst()
                .orElse(null);
        if (job == null && recorded != null && recorded.getFinishedAt() != null) {
            // finished and since removed: its outcome stays recorded
            status.setSeed(withFingerprint(recorded, fingerprint));
            return;
        }
        if (job == null) {
            if (!draft.isTrue(PROVISIONED)) {
                draft.seedWaits("the seed runs once the backend is available");
                return;
            }
            jobs.stream()
                    .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
                    .forEach(j -> actions.add(new Delete(j, DeletionPropagation.BACKGROUND)));
            actions.add(createSeedJob(o, resolved.seedImage(), status.getUrl(), fingerprint));
            status.setSeed(seedStatus(jobName, Timestamps.format(o.now()), null, null, fingerprint));
            draft.condition(SEEDED, FALSE, Seed.SEEDING, "seed Job " + jobName + " is running");
            draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            return;
        }
        String startedAt = recorded != null && recorded.getStartedAt() != null
                ? recorded.getStartedAt()
                : Objects.requireNonNullElse(job.getMetadata().getCreationTimestamp(), Timestamps.format(o.now()));
        SeedOutcome.Outcome outcome = SeedOutcome.of(job);
        switch (outcome.state()) {
            case RUNNING -> {
                status.setSeed(seedStatus(jobName, startedAt, null, null, fingerprint));
                draft.condition(SEEDED, FALSE, Seed.SEEDING, "seed Job " + jobName + " is running");
                draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            }
            case SUCCEEDED -> {
                String message = "seed Job " + jobName + " succeeded";
                status.setSeed(seedStatus(jobName, startedAt, finishedAt(recorded, outcome, o), message, fingerprint));
                draft.condition(SEEDED, TRUE, Seed.SUCCEEDED, message);
                draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            }
            case FAILED -> {
                String message = recorded != null && recorded.getFinishedAt() != null && recorded.getMessage() != null
                        ? recorded.getMessage()
                        : failureMessage(jobName, outcome, o.seedOutput().of(jobName));
                status.setSeed(seedStatus(jobName, startedAt, finishedAt(recorded, outcome, o), message, fingerprint));
                draft.condition(SEEDED, FALSE, Seed.FAILED, message);
                draft.condition(SEED_FAILED, TRUE, outcome.reason(), message);
            }
        }
    }

    /** Whether a seed Job of the preview is running: no sleep then. */
    static boolean running(Observed o) {
        return o.children().seedJobs().stream()
                .anyMatch(j -> j.getMetadata().getDeletionTimestamp() == null
                        && SeedOutcome.of(j).state() == SeedOutcome.State.RUNNING);
    }

    /**
     * The seed run the status records for this fingerprint; or one an earlier version of the operator
     * recorded (without a fingerprint) for the same commit, whose Job is there or has finished: that
     * seed ran for this commit already, and an upgrade is no reason to run it again.
     */
    private static SeedStatus recorded(PreviewDeployment preview, List<Job> jobs, String fingerprint) {
        PreviewDeploymentStatus current = preview.getStatus();
        SeedStatus seed = current == null ? null : current.getSeed();
        if (seed == null || seed.getJobName() == null) return null;
        if (fingerprint.equals(seed.getFingerprint())) return seed;
        if (seed.getFingerprint() != null) return null;
        String commit = preview.getSpec().getCommit();
        Optional<Job> job = jobs.stream()
                .filter(j -> j.getMetadata().getName().equals(seed.getJobName()))
                .findFirst();
        boolean sameCommit = job.map(j -> commit.equals(Backend.label(j)))
                .orElse(seed.getFinishedAt() != null && commit.equals(current.getCommit()));
        return sameCommit ? seed : null;
    }

    static String finishedAt(SeedStatus recorded, SeedOutcome.Outcome outcome, Observed o) {
        if (recorded != null && recorded.getFinishedAt() != null) return recorded.getFinishedAt();
        return outcome.finishedAt() != null ? outcome.finishedAt() : Timestamps.format(o.now());
    }

    /** The Job's reason and the last lines the seed printed (its container's termination message). */
    static String failureMessage(String jobName, SeedOutcome.Outcome outcome, String output) {
        String lines = SeedOutcome.lastLines(output);
        return "seed Job " + jobName + " failed (" + outcome.reason() + "): " + outcome.message()
                + (lines.isEmpty() ? "; the seed printed nothing" : "; last output:\n" + lines);
    }

    private static SeedStatus withFingerprint(SeedStatus seed, String fingerprint) {
        return seedStatus(seed.getJobName(), seed.getStartedAt(), seed.getFinishedAt(), seed.getMessage(), fingerprint);
    }

    /** The creation of the preview's seed Job against the backend at {@code url}, with the plan's pod defaults. */
    static Create createSeedJob(Observed o, String seedImage, String url, String fingerprint) {
        PreviewDeployment preview = o.preview();
        PodDefaults defaults = o.plan().podDefaults();
        return new Create(
                SeedJobs.job(preview, SeedJobs.container(preview, seedImage, url, defaults), fingerprint, defaults),
                null);
    }

    static SeedStatus seedStatus(
            String jobName, String startedAt, String finishedAt, String message, String fingerprint) {
        SeedStatus seed = new SeedStatus(jobName, startedAt, finishedAt, message);
        seed.setFingerprint(fingerprint);
        return seed;
    }
}
