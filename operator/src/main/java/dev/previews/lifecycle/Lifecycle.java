package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.ROLLED_OVER;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;

import dev.previews.api.ActivityStatus;
import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Conditions.Seed;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.RolloverStatus;
import dev.previews.lifecycle.Decision.Action;
import dev.previews.lifecycle.Decision.Delete;
import dev.previews.lifecycle.Decision.DeletePreview;
import dev.previews.lifecycle.Decision.Notice;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The lifecycle of one preview as one decision, from what is observed to the status to report, the
 * actions to take and when to look again. The precedence is the contract's (DESIGN.md, "How the
 * lifecycle is decided"), highest first:
 *
 * <ol>
 *   <li>deletion of the preview or of its namespace: nothing to do;
 *   <li>expiry: the time of the current deployment ran out, whatever else is wrong with the preview
 *       (an invalid spec, an unknown plan, waiting for a slot, recreating); an expired preview stays
 *       expired until a new commit;
 *   <li>spec validity, then the plan, then the branch, then a slot under the deployment limit: each
 *       stops here, keeping whatever runs already;
 *   <li>provisioning, then the seed; a new commit replaces the backend as its rollover says
 *       ({@link Replacement}): Recreate removes the old backend first, BlueGreen starts and seeds the
 *       new one beside it and switches ({@link BlueGreen}).
 * </ol>
 *
 * <p>A time that has passed is never scheduled again: the only wake-up is the expiry of a live
 * deployment, which the expiry step acts on as soon as it comes. Pure function.
 */
public final class Lifecycle {
    private Lifecycle() {}

    public static Decision decide(Observed o) {
        if (o.deleting() || o.namespaceTerminating()) {
            return Decision.leaveAlone();
        }
        PreviewDeployment preview = o.preview();
        StatusDraft draft =
                new StatusDraft(preview.getStatus(), preview.getMetadata().getGeneration(), o.now());
        Timeline timeline = Timeline.of(o);
        draft.status().setPlan(o.plan().name());
        o.plan()
                .plan()
                .ifPresent(plan -> draft.status().setExpiryPolicy(plan.expiry().name()));

        if (timeline.due(o.now())) {
            return expire(o, timeline, draft);
        }
        if (expired(preview) && !revived(preview)) {
            return stayExpired(o, draft);
        }
        SpecCheck.Result check = SpecCheck.check(preview, o.config().ingressHostTemplate());
        if (!check.ok()) {
            return blocked(o, timeline, draft, Provisioned.INVALID_SPEC, check.message(), Phase.Invalid);
        }
        if (o.plan().plan().isEmpty()) {
            return blocked(o, timeline, draft, Provisioned.UNKNOWN_PLAN, unknownPlan(o), Phase.Failed);
        }
        Plan plan = o.plan().plan().get();
        if (o.branchHolder().isPresent()) {
            String message = "branch " + preview.getSpec().getBranch() + " is already held by preview "
                    + o.branchHolder().get() + " in namespace " + o.namespace()
                    + "; this preview takes over when that one is deleted";
            return blocked(o, timeline, draft, Provisioned.BRANCH_CONFLICT, message, Phase.Failed);
        }
        if (!o.slot().admitted()) {
            String message = o.slot().message(o.namespace(), plan.name());
            return blocked(o, timeline, draft, Provisioned.DEPLOYMENT_LIMIT_EXCEEDED, message, Phase.LimitExceeded);
        }

        List<Action> actions = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        Replacement replacement = Replacement.of(o, plan);
        BlueGreen.Step rollover = null;
        if (replacement.mode() == Replacement.Mode.BLUE_GREEN) {
            rollover = BlueGreen.advance(o, check.resolved(), replacement, draft, actions, notices);
            if (rollover == BlueGreen.Step.SWITCHED) {
                replacement = replacement.switched(preview.getSpec().getCommit());
            }
        } else {
            BlueGreen.settle(o, draft, replacement);
        }
        Timeline deployed = rollover == BlueGreen.Step.SWITCHED
                ? timeline.startingAt(o.now())
                : Backend.deployed(o, timeline, replacement);
        ActivityStatus activity =
                Activity.next(preview, Timeline.latest(deployed.createdAt(), rolloverStart(draft)), o.now());
        Instant lastActivity = Timeline.parse(activity.getAt());
        boolean busy = switch (replacement.mode()) {
            case RECREATE -> true;
            case BLUE_GREEN -> rollover == BlueGreen.Step.UNDER_WAY;
            case IN_PLACE -> Seeding.running(o);
        };
        Sleep sleep =
                Sleep.of(plan, lastActivity, busy, Timeline.parse(draft.status().getSleepingSince()), o.now());
        Backend.Outcome backend =
                Backend.provision(o, check.resolved(), plan, replacement, deployed, sleep, draft, actions, notices);
        Instant wakeAt = future(backend.timeline().expiresAt(), o.now());
        if (backend.proceeds()) {
            draft.status().setActivity(activity);
            draft.status().setSleepingSince(sleep.asleep() ? Timestamps.format(sleep.since()) : null);
            if (!sleep.asleep() && replacement.mode() == Replacement.Mode.IN_PLACE) {
                Seeding.seed(o, check.resolved(), backend.timeline(), draft, actions);
            }
            draft.summarize();
            Instant warnAt = ExpiryWarning.report(plan, backend.timeline(), o.name(), draft, o.now());
            wakeAt = Sleep.later(o.now(), wakeAt, warnAt);
            wakeAt = Sleep.later(o.now(), wakeAt, Sleep.nextChange(plan, lastActivity, o.now()));
            actions.addAll(leftovers(o, replacement, rollover));
        }
        return new Decision(draft.status(), actions, wakeAt, true, notices, null);
    }

    /** When the rollover under way started: a push is activity, though the deployment is the old one. */
    private static Instant rolloverStart(StatusDraft draft) {
        RolloverStatus next = draft.status().getNext();
        return next == null ? null : Timeline.parse(next.getStartedAt());
    }

    /**
     * What the backend no longer needs: in place, everything of other commits; during a rollover,
     * everything but the two commits' (a failed one keeps only its seed Job, for its output).
     */
    private static List<Action> leftovers(Observed o, Replacement replacement, BlueGreen.Step rollover) {
        String commit = o.preview().getSpec().getCommit();
        if (replacement.mode() == Replacement.Mode.IN_PLACE) {
            return Leftovers.of(o, Set.of(commit), Set.of(commit), Set.of(o.name()));
        }
        String serving = replacement.servingCommit();
        if (rollover == BlueGreen.Step.FAILED) {
            return Leftovers.of(o, Set.of(serving), Set.of(serving, commit), Set.of(o.name()));
        }
        return Leftovers.of(
                o,
                Set.of(serving, commit),
                Set.of(serving, commit),
                Set.of(o.name(), PreviewNames.commitName(o.name(), commit)));
    }

    /** The deployment's time ran out: the plan's expiry policy applies, whatever the preview's state. */
    private static Decision expire(Observed o, Timeline timeline, StatusDraft draft) {
        String message = "the preview's time ran out at " + Timestamps.format(timeline.expiresAt()) + " (plan "
                + o.plan().name() + ")";
        if (timeline.policy() == ExpiryPolicy.Delete) {
            Notice expired = new Notice(false, "Expired", message + "; deleting the preview");
            return new Decision(null, List.of(new DeletePreview()), null, false, List.of(expired), ExpiryPolicy.Delete);
        }
        List<Action> actions = deleteChildren(o);
        PreviewDeploymentStatus status = draft.status();
        // the commit asked for now: a later commit is new, and provisions the preview again
        status.setCommit(o.preview().getSpec().getCommit());
        status.setShortCommit(PreviewNames.shortCommit(status.getCommit()));
        status.setUrl(null);
        status.setExternalUrl(null);
        status.setSeed(null);
        status.setNext(null);
        draft.removeCondition(ROLLED_OVER);
        String note = message + "; its workloads were deleted, push a new commit to provision it again";
        draft.condition(PROVISIONED, FALSE, Provisioned.EXPIRED, note);
        draft.condition(SEEDED, FALSE, Seed.EXPIRED, "the seeded data went with the expired backend");
        draft.condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
        draft.condition(READY, FALSE, Provisioned.EXPIRED, note);
        draft.phase(Phase.Expired);
        return new Decision(status, actions, null, false, List.of(), ExpiryPolicy.Deprovision);
    }

    /** Expired and no new commit: the workloads stay deleted (an informer may still show some). */
    private static Decision stayExpired(Observed o, StatusDraft draft) {
        return new Decision(draft.status(), deleteChildren(o), null, false, List.of(), null);
    }

    private static List<Action> deleteChildren(Observed o) {
        Observed.Children c = o.children();
        return Stream.of(c.seedJobs().stream(), Stream.of(c.ingress()), c.services().stream(), c.deployments().stream())
                .flatMap(s -> s)
                .filter(Objects::nonNull)
                .filter(child -> child.getMetadata().getDeletionTimestamp() == null)
                .<Action>map(child -> new Delete(child, DeletionPropagation.BACKGROUND))
                .toList();
    }

    /**
     * A state that stops the lifecycle before provisioning. What runs is kept, with its slot and its
     * expiry; a preview that has no deployment reports none.
     */
    private static Decision blocked(
            Observed o, Timeline timeline, StatusDraft draft, String reason, String message, Phase phase) {
        if (!timeline.live()) {
            draft.noDeployment();
        }
        String kept = timeline.live() && draft.status().getCommit() != null
                ? " (the backend of commit "
                        + PreviewNames.shortCommit(draft.status().getCommit()) + " keeps running)"
                : "";
        draft.blocked(reason, message + kept, phase);
        Instant wakeAt = timeline.live() ? future(timeline.expiresAt(), o.now()) : null;
        return new Decision(draft.status(), List.of(), wakeAt, timeline.live(), List.of(), null);
    }

    private static String unknownPlan(Observed o) {
        return "namespace " + o.namespace() + " has the label " + OperatorConfig.PLAN_LABEL + "="
                + o.plan().name()
                + ", which names no configured plan (configured: "
                + String.join(", ", o.config().plans().keySet()) + ")";
    }

    static boolean expired(PreviewDeployment preview) {
        return preview.getStatus() != null && preview.getStatus().getPhase() == Phase.Expired;
    }

    /**
     * An expired preview given a commit other than the one it expired with, or woken, starts a new
     * deployment.
     */
    static boolean revived(PreviewDeployment preview) {
        return !Objects.equals(
                        preview.getSpec().getCommit(), preview.getStatus().getCommit())
                || Activity.wakeAskedFor(preview);
    }

    /** Only a time still to come is worth a wake-up. */
    private static Instant future(Instant at, Instant now) {
        return at != null && at.isAfter(now) ? at : null;
    }
}
