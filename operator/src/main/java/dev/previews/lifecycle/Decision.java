package dev.previews.lifecycle;

import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.ExpiryPolicy;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;

/**
 * What to do about one preview: the status to report (null: none, the preview is left alone or is
 * going away), the actions that bring its children there, when to look again (never a time that
 * has passed), whether it holds a slot of its namespace's deployment limit, Events that no status
 * difference shows, and whether it expired just now.
 */
public record Decision(
        PreviewDeploymentStatus status,
        List<Action> actions,
        Instant wakeAt,
        boolean holdsSlot,
        List<Notice> notices,
        ExpiryPolicy expired) {

    /** Nothing to write, nothing to do: a preview being deleted, or one its namespace's deletion takes. */
    public static Decision leaveAlone() {
        return new Decision(null, List.of(), null, false, List.of(), null);
    }

    /** An Event to record, with the Kubernetes event type. */
    public record Notice(boolean warning, String reason, String message) {}

    /** One thing the executor does. */
    public sealed interface Action {}

    /** Creates the child; {@code wanted} names what it is made from (see {@link Observed.Verified}). */
    public record Create(HasMetadata desired, String wanted) implements Action {}

    /** Puts the child back to what the preview wants; {@code why} names where it drifted. */
    public record Update(HasMetadata desired, HasMetadata actual, String wanted, String why) implements Action {}

    /** Records that this version of the child holds what {@code wanted} names: no comparison next time. */
    public record Verify(HasMetadata actual, String wanted) implements Action {}

    public record Delete(HasMetadata child, DeletionPropagation propagation) implements Action {}

    /** Deletes the preview itself (expiry with policy Delete); its children go by garbage collection. */
    public record DeletePreview() implements Action {}
}
