package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.ExpiryPolicy;

/**
 * Told what happens to previews, for metrics and the like. Called on the reconciler's threads:
 * implementations must be quick and must not throw.
 */
public interface PreviewObserver {
    /** The reconciler is about to write a new status ({@code before} is null for a new preview). */
    default void statusChanged(
            PreviewDeployment preview, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {}

    /** The preview's time ran out and the policy was applied. */
    default void expired(PreviewDeployment preview, ExpiryPolicy policy) {}

    /** The preview is gone from the API server. */
    default void deleted(PreviewDeployment preview) {}

    PreviewObserver NONE = new PreviewObserver() {};
}
