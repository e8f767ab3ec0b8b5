package dev.previews.lifecycle;

import dev.previews.lifecycle.Decision.Action;
import dev.previews.lifecycle.Decision.Delete;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The children a preview no longer needs once its backend is decided: the Deployments of commits that
 * neither serve nor roll in (the old commit after a switch, an abandoned or failed rollover's), the seed
 * Jobs of commits gone, and Services other than the preview's own and a rollover's. They were created
 * by the operator for this preview (the informers hold only those) and go in the background, after
 * everything else the decision does: the Service has switched before the old pods go. Pure function.
 */
final class Leftovers {
    private Leftovers() {}

    static List<Action> of(
            Observed o, Set<String> deploymentCommits, Set<String> jobCommits, Set<String> serviceNames) {
        List<Action> actions = new ArrayList<>();
        Observed.Children children = o.children();
        children.deployments().stream()
                .filter(d -> otherCommit(d, deploymentCommits))
                .forEach(d -> delete(d, actions));
        children.services().stream()
                .filter(s -> !serviceNames.contains(s.getMetadata().getName()))
                .forEach(s -> delete(s, actions));
        children.seedJobs().stream().filter(j -> otherCommit(j, jobCommits)).forEach(j -> delete(j, actions));
        return actions;
    }

    /** Of a commit other than these (a child without a commit label is not the operator's making). */
    private static boolean otherCommit(HasMetadata child, Set<String> commits) {
        String commit = Observed.Children.commitOf(child);
        return commit != null && !commits.contains(commit);
    }

    private static void delete(HasMetadata child, List<Action> actions) {
        if (child.getMetadata().getDeletionTimestamp() == null) {
            actions.add(new Delete(child, DeletionPropagation.BACKGROUND));
        }
    }
}
