package dev.previews.lifecycle;

import dev.previews.api.ActivityStatus;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.Timestamps;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A preview's last activity (DESIGN.md, "Activity and sleep"): a new deployment (a new commit, a
 * revival), a change of spec.ttl, a new value of the wake or the reseed annotation. Traffic is not
 * observed. The status keeps the values seen at the last activity, so that a change of any of them
 * is the next one. Pure function.
 */
final class Activity {
    private Activity() {}

    /**
     * The activity to record now, for a deployment created at {@code deployedAt}: the recorded one
     * when nothing changed since, else one at {@code now}; never before the deployment.
     */
    static ActivityStatus next(PreviewDeployment preview, Instant deployedAt, Instant now) {
        String ttl = preview.getSpec().getTtl();
        String wake = annotation(preview, PreviewDeployment.WAKE_ANNOTATION);
        String reseed = annotation(preview, PreviewDeployment.RESEED_ANNOTATION);
        ActivityStatus recorded =
                preview.getStatus() == null ? null : preview.getStatus().getActivity();
        Instant at = recorded == null ? deployedAt : Timeline.parse(recorded.getAt());
        boolean changed = recorded != null
                && (!Objects.equals(ttl, recorded.getTtl())
                        || !Objects.equals(wake, recorded.getWake())
                        || !Objects.equals(reseed, recorded.getReseed()));
        if (changed || at == null) {
            at = now;
        }
        if (deployedAt != null && at.isBefore(deployedAt)) {
            at = deployedAt;
        }
        return new ActivityStatus(Timestamps.format(at), ttl, wake, reseed);
    }

    /** Whether the wake annotation has a value the last activity did not see (a wake asked for). */
    static boolean wakeAskedFor(PreviewDeployment preview) {
        ActivityStatus recorded =
                preview.getStatus() == null ? null : preview.getStatus().getActivity();
        return recorded != null
                && !Objects.equals(annotation(preview, PreviewDeployment.WAKE_ANNOTATION), recorded.getWake());
    }

    static String annotation(PreviewDeployment preview, String key) {
        Map<String, String> annotations = preview.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
