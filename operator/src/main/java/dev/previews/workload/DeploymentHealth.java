package dev.previews.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Objects;

/** Reads a Deployment's status the way `kubectl rollout status` does. Pure function. */
public final class DeploymentHealth {
    private DeploymentHealth() {}

    public enum State {
        PROGRESSING,
        AVAILABLE,
        FAILED
    }

    public record Health(State state, String message) {}

    public static Health of(Deployment deployment) {
        int desired = deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return new Health(
                    State.PROGRESSING,
                    "waiting for the Deployment controller (0 of " + desired + " replicas available)");
        }
        if (status.getConditions() != null) {
            for (DeploymentCondition c : status.getConditions()) {
                if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())) {
                    return new Health(
                            State.FAILED,
                            "Deployment " + deployment.getMetadata().getName() + " is not progressing (" + c.getReason()
                                    + "): " + Objects.requireNonNullElse(c.getMessage(), ""));
                }
            }
        }
        Long generation = deployment.getMetadata().getGeneration();
        if (generation != null
                && (status.getObservedGeneration() == null || status.getObservedGeneration() < generation)) {
            return new Health(
                    State.PROGRESSING, "waiting for the Deployment controller to observe generation " + generation);
        }
        int updated = orZero(status.getUpdatedReplicas());
        int available = orZero(status.getAvailableReplicas());
        int total = orZero(status.getReplicas());
        if (updated < desired) {
            return new Health(State.PROGRESSING, updated + " of " + desired + " replicas updated");
        }
        if (total > updated) {
            return new Health(State.PROGRESSING, (total - updated) + " old replicas pending termination");
        }
        if (available < desired) {
            return new Health(State.PROGRESSING, available + " of " + desired + " replicas available");
        }
        return new Health(State.AVAILABLE, available + " of " + desired + " replicas available");
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
