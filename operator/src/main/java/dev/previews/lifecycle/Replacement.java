package dev.previews.lifecycle;

import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.SEEDED;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.Rollover;
import dev.previews.policy.Plan;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * How the backend the spec asks for relates to the backends that run (DESIGN.md, "BlueGreen and
 * Ready"). Pure function.
 *
 * <ul>
 *   <li>{@link Mode#IN_PLACE}: the spec's commit is the one to serve; its Deployment is brought to the
 *       spec (created when absent). Leftovers of other commits go.
 *   <li>{@link Mode#RECREATE}: a new commit has no Deployment yet and other commits' Deployments run:
 *       they are deleted first, and the new one is created once they are gone.
 *   <li>{@link Mode#BLUE_GREEN}: a rollover to the spec's commit beside the commit that serves, started
 *       when the preview's rollover is BlueGreen and the serving commit is provisioned and seeded (not
 *       asleep, not scaled to zero, not broken), and continued until the switch or a new commit,
 *       whatever spec.rollover says meanwhile.
 * </ul>
 *
 * @param servingCommit the commit the Service serves (the spec's unless rolling over)
 * @param serving that commit's Deployment (null when none)
 * @param incoming during a rollover, the spec's commit's Deployment (null when none yet)
 */
record Replacement(Mode mode, String servingCommit, Deployment serving, Deployment incoming) {
    enum Mode {
        IN_PLACE,
        RECREATE,
        BLUE_GREEN
    }

    static Replacement of(Observed o, Plan plan) {
        PreviewDeployment preview = o.preview();
        String commit = preview.getSpec().getCommit();
        PreviewDeploymentStatus status =
                preview.getStatus() == null ? new PreviewDeploymentStatus() : preview.getStatus();
        Observed.Children children = o.children();
        Deployment ofSpec = children.deployment(commit);
        String current = status.getCommit();
        Deployment serving = current == null || current.equals(commit) ? null : children.deployment(current);
        boolean servingLive = serving != null && serving.getMetadata().getDeletionTimestamp() == null;
        if (servingLive && (continuing(status, commit) || starts(preview, plan, status, serving))) {
            return new Replacement(Mode.BLUE_GREEN, current, serving, ofSpec);
        }
        boolean others = children.deployments().stream().anyMatch(d -> !commit.equals(Observed.Children.commitOf(d)));
        if (ofSpec == null && others) {
            return new Replacement(Mode.RECREATE, commit, null, null);
        }
        return new Replacement(Mode.IN_PLACE, commit, ofSpec, null);
    }

    /** The rollover switched: the incoming commit serves now, and its Deployment is the spec's. */
    Replacement switched(String commit) {
        return new Replacement(Mode.IN_PLACE, commit, incoming, null);
    }

    /** The preview's rollover: its spec's, else its plan's. */
    static Rollover strategy(PreviewDeployment preview, Plan plan) {
        Rollover asked = preview.getSpec().getRollover();
        return asked != null ? asked : plan.rollover() != null ? plan.rollover() : Rollover.Recreate;
    }

    /** A rollover to this commit started already (under way, or failed): it goes on to its end. */
    private static boolean continuing(PreviewDeploymentStatus status, String commit) {
        return status.getNext() != null && commit.equals(status.getNext().getCommit());
    }

    /** A new commit rolls over when BlueGreen asks for it and the serving commit is worth keeping. */
    private static boolean starts(
            PreviewDeployment preview, Plan plan, PreviewDeploymentStatus status, Deployment serving) {
        Integer servingReplicas =
                serving.getSpec() == null ? null : serving.getSpec().getReplicas();
        return strategy(preview, plan) == Rollover.BlueGreen
                && status.isTrue(PROVISIONED)
                && status.isTrue(SEEDED)
                && (servingReplicas == null || servingReplicas > 0)
                && preview.getSpec().getBackend().replicasOrDefault() > 0;
    }
}
