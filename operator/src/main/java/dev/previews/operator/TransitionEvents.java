package dev.previews.operator;

import static dev.previews.api.Conditions.EXPIRING;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.ROLLED_OVER;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;

import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Conditions.RolledOver;
import dev.previews.api.Conditions.Seed;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.operator.EventRecorder.Type;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Events a change of status deserves (DESIGN.md behaviour 8): one per transition, none when
 * nothing moved, so that an idle operator writes nothing. Pure function.
 */
public final class TransitionEvents {
    private TransitionEvents() {}

    public record Notice(Type type, String reason, String message) {}

    private static final Map<String, Notice> PROVISIONED_REASONS = Map.of(
            Provisioned.AVAILABLE, new Notice(Type.Normal, "Provisioned", null),
            Provisioned.RECREATING, new Notice(Type.Normal, "Recreating", null),
            Provisioned.EXPIRED, new Notice(Type.Normal, "Expired", null),
            Provisioned.PROVISION_FAILED, new Notice(Type.Warning, "ProvisionFailed", null),
            Provisioned.DEPLOYMENT_LIMIT_EXCEEDED, new Notice(Type.Warning, "DeploymentLimitExceeded", null),
            Provisioned.BRANCH_CONFLICT, new Notice(Type.Warning, "BranchConflict", null),
            Provisioned.INVALID_SPEC, new Notice(Type.Warning, "InvalidSpec", null),
            Provisioned.UNKNOWN_PLAN, new Notice(Type.Warning, "UnknownPlan", null),
            Provisioned.ASLEEP, new Notice(Type.Normal, "Asleep", null));

    public static List<Notice> between(PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        List<Notice> notices = new ArrayList<>();
        Optional<Condition> oldProvisioned = condition(before, PROVISIONED);
        Optional<Condition> newProvisioned = condition(after, PROVISIONED);
        newProvisioned.ifPresent(c -> {
            Notice kind = PROVISIONED_REASONS.get(c.getReason());
            boolean messageCounts = kind != null
                    && kind.type() == Type.Warning
                    && !Provisioned.DEPLOYMENT_LIMIT_EXCEEDED.equals(c.getReason());
            if (kind != null && moved(oldProvisioned, c, messageCounts)) {
                notices.add(new Notice(kind.type(), kind.reason(), c.getMessage()));
            }
        });
        if (oldProvisioned.filter(c -> Provisioned.ASLEEP.equals(c.getReason())).isPresent()
                && newProvisioned
                        .filter(c -> !Provisioned.ASLEEP.equals(c.getReason()))
                        .isPresent()
                && !Provisioned.EXPIRED.equals(newProvisioned.get().getReason())) {
            notices.add(new Notice(
                    Type.Normal, "Awake", "awake: " + newProvisioned.get().getMessage()));
        }
        condition(after, EXPIRING).ifPresent(c -> {
            if ("True".equals(c.getStatus()) && moved(condition(before, EXPIRING), c, false)) {
                notices.add(new Notice(Type.Normal, "ExpiresSoon", c.getMessage()));
            }
        });
        condition(after, READY).ifPresent(c -> {
            // one Warning per episode of refusals: the message may change from one attempt to the next
            if (Provisioned.RECONCILE_ERROR.equals(c.getReason()) && moved(condition(before, READY), c, false)) {
                notices.add(new Notice(Type.Warning, "ReconcileError", c.getMessage()));
            }
        });
        String oldJob = before == null || before.getSeed() == null
                ? null
                : before.getSeed().getJobName();
        String oldNextJob = incomingSeedJob(before);
        String newJob = after.getSeed() == null ? null : after.getSeed().getJobName();
        if (newJob != null && !newJob.equals(oldJob) && !newJob.equals(oldNextJob)) {
            notices.add(new Notice(Type.Normal, "SeedStarted", "seed Job " + newJob + " started"));
        }
        String newNextJob = incomingSeedJob(after);
        if (newNextJob != null && !newNextJob.equals(oldNextJob)) {
            notices.add(new Notice(
                    Type.Normal,
                    "SeedStarted",
                    "seed Job " + newNextJob + " started against the backend of incoming commit "
                            + after.getNext().getShortCommit()));
        }
        condition(after, SEEDED).ifPresent(c -> {
            if (Seed.SUCCEEDED.equals(c.getReason()) && moved(condition(before, SEEDED), c, false)) {
                notices.add(new Notice(Type.Normal, "Seeded", c.getMessage()));
            }
        });
        condition(after, SEED_FAILED).ifPresent(c -> {
            if ("True".equals(c.getStatus()) && moved(condition(before, SEED_FAILED), c, true)) {
                notices.add(new Notice(Type.Warning, "SeedFailed", c.getMessage()));
            }
        });
        condition(after, ROLLED_OVER).ifPresent(c -> {
            if (!moved(condition(before, ROLLED_OVER), c, false)) return;
            switch (c.getReason()) {
                case RolledOver.ROLLING_OVER -> notices.add(new Notice(Type.Normal, "RollingOver", c.getMessage()));
                case RolledOver.SWITCHED -> notices.add(new Notice(Type.Normal, "RolledOver", c.getMessage()));
                case RolledOver.SEED_FAILED, RolledOver.PROVISION_FAILED ->
                    notices.add(new Notice(Type.Warning, "RolloverFailed", c.getMessage()));
                default -> {}
            }
        });
        return notices;
    }

    private static String incomingSeedJob(PreviewDeploymentStatus status) {
        return status == null || status.getNext() == null || status.getNext().getSeed() == null
                ? null
                : status.getNext().getSeed().getJobName();
    }

    /**
     * A reason that changed is a transition; for warnings, a new message is one too (a second bad
     * edit), except for the deployment limit, whose count moves on its own.
     */
    private static boolean moved(Optional<Condition> before, Condition after, boolean messageCounts) {
        if (before.isEmpty()) return true;
        Condition b = before.get();
        if (!Objects.equals(b.getReason(), after.getReason()) || !Objects.equals(b.getStatus(), after.getStatus()))
            return true;
        return messageCounts && !Objects.equals(b.getMessage(), after.getMessage());
    }

    private static Optional<Condition> condition(PreviewDeploymentStatus status, String type) {
        return status == null ? Optional.empty() : status.condition(type);
    }
}
