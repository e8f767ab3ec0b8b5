package dev.previews.ci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * deploy's write: creates the branch's preview, or updates it in place (fields deploy does not set are
 * kept), after refusing what the operator would refuse; an asleep or expired preview is woken, a
 * preview being deleted is waited for, another branch's preview or name is refused.
 */
final class PreviewWrite {
    private static final int ATTEMPTS = 5;

    private final PreviewStore store;
    private final Clock clock;
    private final Consumer<String> say;
    private final boolean reseed;
    private final Duration timeout;
    private final Duration pollInterval;

    /**
     * @param reseed whether this deploy asks for a new seed (its last seed Job is then not its result)
     * @param timeout how long, from the deploy's start, to wait for a preview being deleted to be gone
     */
    PreviewWrite(
            PreviewStore store,
            Clock clock,
            Consumer<String> say,
            boolean reseed,
            Duration timeout,
            Duration pollInterval) {
        this.store = store;
        this.clock = clock;
        this.say = say;
        this.reseed = reseed;
        this.timeout = timeout;
        this.pollInterval = pollInterval;
    }

    /**
     * What was written: the preview as the server answered, and the seed Job a --reseed must not take for
     * its result.
     *
     * @param wake the value of the wake annotation this deploy set (an asleep or expired preview), or null
     */
    record Applied(PreviewDeployment preview, String staleSeedJob, String wake) {}

    /** Creates the preview, or updates it in place with read-modify-PUT, retried on conflicts. */
    Applied apply(ObjectNode overlay, CiEnvironment.Source src, Instant start) throws InterruptedException {
        String name = overlay.path("metadata").path("name").asText();
        String namespace = overlay.path("metadata").path("namespace").asText();
        Instant deadline = start.plus(timeout);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            ObjectNode stored = store.getRaw(namespace, name);
            if (stored == null) {
                List<PreviewDeployment> holders = store.list(namespace, null).stream()
                        .filter(p -> p.getSpec() != null
                                && src.branch().equals(p.getSpec().getBranch()))
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .toList();
                if (!holders.isEmpty()) {
                    String other = holders.get(0).getMetadata().getName();
                    throw CliFailure.invalid("branch " + src.branch() + " already has the preview " + other
                            + " in namespace " + namespace
                            + ".\nRun deploy with --name " + other
                            + " to update it, or delete it first (preview delete " + other
                            + " -n " + namespace + ").");
                }
                check(overlay);
                try {
                    PreviewDeployment created = store.create(overlay);
                    say.accept("created PreviewDeployment " + name);
                    return new Applied(created, null, null);
                } catch (PreviewStore.Conflict e) {
                    continue;
                }
            }
            PreviewDeployment current = store.typed(stored);
            if (current.getMetadata().getDeletionTimestamp() != null) {
                say.accept("preview " + name + " is being deleted; waiting until it is gone to create it again");
                if (!Waits.gone(store, namespace, name, deadline, pollInterval, clock)) {
                    throw new CliFailure(
                            ExitCodes.TIMEOUT, "timed out waiting for the old preview " + name + " to be deleted");
                }
                continue;
            }
            String theirBranch =
                    current.getSpec() == null ? null : current.getSpec().getBranch();
            if (!src.branch().equals(theirBranch)) {
                throw CliFailure.invalid(
                        "the preview " + name + " in namespace " + namespace + " belongs to branch " + theirBranch
                                + ", not " + src.branch()
                                + " (a preview's branch cannot change).\nPass --name with another name, or delete it "
                                + "first (preview delete " + name + " -n " + namespace + ").");
            }
            var status = current.getStatus();
            String wake = null;
            if (status != null && (status.getPhase() == Phase.Expired || status.getPhase() == Phase.Asleep)) {
                // a deploy is activity: it wakes an asleep preview, and provisions an expired one again
                wake = WakeValue.next(current, clock.instant());
                PreviewManifest.at(overlay, "metadata", "annotations").put(PreviewDeployment.WAKE_ANNOTATION, wake);
                say.accept("preview " + name
                        + (status.getPhase() == Phase.Expired
                                ? " expired and its backend was removed; waking it provisions it again"
                                : " is asleep; waking it"));
            }
            ObjectNode merged = PreviewManifest.overlay(stored, overlay);
            check(merged);
            String staleSeedJob = reseed && status != null && status.getSeed() != null
                    ? status.getSeed().getJobName()
                    : null;
            if (merged.equals(stored)) {
                say.accept("preview " + name + " already has this spec; nothing to write");
                return new Applied(current, staleSeedJob, wake);
            }
            try {
                PreviewDeployment updated = store.update(merged);
                say.accept("updated PreviewDeployment " + name
                        + (Objects.equals(current.getSpec().getCommit(), src.commit())
                                ? ""
                                : " (was commit "
                                        + PreviewNames.shortCommit(
                                                current.getSpec().getCommit()) + ")"));
                return new Applied(updated, staleSeedJob, wake);
            } catch (PreviewStore.Conflict e) {
                say.accept("preview " + name + " changed while being updated; reading it again");
            }
        }
        throw CliFailure.error("gave up writing preview " + name + " after " + ATTEMPTS
                + " attempts: someone else keeps changing it at the same time");
    }

    /** Refuses what the operator would refuse, before anything is written. */
    private void check(ObjectNode candidate) {
        PreviewDeployment typed;
        try {
            typed = store.typed(candidate);
        } catch (IllegalArgumentException e) {
            throw CliFailure.invalid(
                    "the preview does not fit the PreviewDeployment schema: " + Failures.jsonProblem(e));
        }
        if (typed.getSpec() == null
                || typed.getSpec().getBackend() == null
                || typed.getSpec().getBackend().getImage() == null) {
            throw CliFailure.invalid(
                    "no backend image: pass --image, or -f with a template that sets spec.backend.image");
        }
        SpecCheck.Result result = SpecCheck.check(typed, null);
        if (!result.ok()) {
            throw CliFailure.invalid("the preview's spec is not valid: " + result.message());
        }
    }
}
