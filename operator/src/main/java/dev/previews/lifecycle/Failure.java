package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;

import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import java.time.Instant;

/**
 * The status of a preview whose actions the API server refused. It starts from the status last
 * written, which was true until then, and says what failed: Ready=False with the specific reason
 * (the spec asked for an object the API server rejects: InvalidSpec; an object of that name is not
 * the preview's: ProvisionFailed) or ReconcileError with the API server's message. The next decision
 * that succeeds replaces it. Pure function.
 */
public final class Failure {
    private Failure() {}

    public enum Kind {
        /** The API server refused an object the spec asked for (422): the spec is at fault. */
        REJECTED,
        /** An object of the child's name exists and is not the preview's. */
        NOT_OURS,
        /** Any other refusal that persists: forbidden, a quota, or failures past the retries. */
        API_ERROR
    }

    public static PreviewDeploymentStatus status(PreviewDeployment preview, Kind kind, String message, Instant now) {
        StatusDraft draft =
                new StatusDraft(preview.getStatus(), preview.getMetadata().getGeneration(), now);
        switch (kind) {
            case REJECTED -> draft.blocked(Provisioned.INVALID_SPEC, message, Phase.Invalid);
            case NOT_OURS -> draft.blocked(Provisioned.PROVISION_FAILED, message, Phase.Failed);
            case API_ERROR -> {
                if (draft.status().condition(PROVISIONED).isEmpty()) {
                    draft.blocked(Provisioned.RECONCILE_ERROR, message, Phase.Failed);
                }
                draft.condition(READY, FALSE, Provisioned.RECONCILE_ERROR, message);
                draft.phase(Phase.Failed);
            }
        }
        return draft.status();
    }
}
