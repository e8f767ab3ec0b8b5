package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.notify.Notifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What a reconcile says about a preview: the Events of its transitions (queued, off the reconcile),
 * the notifications that follow them, and its status, written when it changed and put into the
 * informer's cache.
 */
final class StatusReport {
    private final KubernetesClient client;
    private final EventRecorder events;
    private final Notifier notifier;
    private final PreviewObserver observer;

    StatusReport(KubernetesClient client, EventRecorder events, Notifier notifier, PreviewObserver observer) {
        this.client = client;
        this.events = events;
        this.notifier = notifier;
        this.observer = observer;
    }

    /**
     * Records the Events of the transition, and writes the status when it changed. Not through
     * UpdateControl.patchStatus: java-operator-sdk 5 does not put what that returns into its cache, so a
     * reconcile that follows at once (the seed Job's creation event, say) would still see the old status,
     * make the same transition again and write it and its Event a second time. This writes the status
     * (see StatusWrite) and caches the answer (with a context; the error path has none to cache with).
     *
     * @throws PreviewGone when the API server no longer has the preview
     */
    void report(PreviewDeployment preview, Context<PreviewDeployment> context, PreviewDeploymentStatus after) {
        PreviewDeploymentStatus before = preview.getStatus();
        TransitionEvents.between(before, after)
                .forEach(n -> announce(preview, after, n.type(), n.reason(), n.message()));
        if (Objects.equals(after, before)) {
            return;
        }
        observer.statusChanged(preview, before, after);
        if (context == null) {
            write(preview, after);
            return;
        }
        PrimaryUpdateAndCacheUtils.updateAndCacheResource(
                preview, context, UnaryOperator.identity(), current -> write(current, after));
    }

    /**
     * Records a transition's Event and hands it to the notifier, which queues it for the webhooks that
     * want its reason (and returns at once). {@code after} is the status the transition leads to, null
     * when the preview is being deleted.
     */
    void announce(
            PreviewDeployment preview,
            PreviewDeploymentStatus after,
            EventRecorder.Type type,
            String reason,
            String message) {
        events.record(preview, type, reason, message);
        notifier.notice(preview, after, reason, message);
    }

    private PreviewDeployment write(PreviewDeployment preview, PreviewDeploymentStatus status) {
        try {
            return StatusWrite.write(client, preview, status);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) throw new PreviewGone(e);
            throw e;
        }
    }
}
