package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.lifecycle.Decision;
import dev.previews.lifecycle.Decision.Action;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a decision's actions, in order, through the {@link ChildWriter}; what a write answers
 * goes into the informer of its kind. A request the API server refuses stops the rest and is
 * reported as an {@link ActionFailed} naming what was being done.
 */
final class DecisionExecutor {
    private static final Logger log = LoggerFactory.getLogger(DecisionExecutor.class);

    private final KubernetesClient client;
    private final ChildWriter writer;
    private final Map<String, InformerEventSource<? extends HasMetadata, PreviewDeployment>> informers;

    /** An action the API server refused: what was being done, and its answer. */
    static final class ActionFailed extends RuntimeException {
        ActionFailed(String what, KubernetesClientException cause) {
            super(what + " failed: " + ApiErrors.message(cause), cause);
        }

        KubernetesClientException apiError() {
            return (KubernetesClientException) getCause();
        }
    }

    /** @param informers the informer of each child kind, by kind */
    DecisionExecutor(
            KubernetesClient client,
            ChildWriter writer,
            Map<String, InformerEventSource<? extends HasMetadata, PreviewDeployment>> informers) {
        this.client = client;
        this.writer = writer;
        this.informers = informers;
    }

    /**
     * Runs the actions; returns false when a deletion found its object gone already (the cache it was
     * read from is behind, and the event that would bring the preview back may have passed).
     */
    boolean execute(PreviewDeployment preview, Decision decision) {
        boolean cacheCurrent = true;
        for (Action action : decision.actions()) {
            try {
                cacheCurrent &= run(preview, action);
            } catch (KubernetesClientException e) {
                throw new ActionFailed(describe(action), e);
            }
        }
        return cacheCurrent;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean run(PreviewDeployment preview, Action action) {
        if (action instanceof Decision.Create c) {
            writer.create(preview, c.wanted(), c.desired(), (InformerEventSource) informer(c.desired()));
        } else if (action instanceof Decision.Update u) {
            log.info(
                    "{}/{}: {} {} differs from what the preview wants at {}: putting it back",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    u.actual().getKind(),
                    u.actual().getMetadata().getName(),
                    u.why());
            writer.update(u.wanted(), u.desired(), u.actual(), (InformerEventSource) informer(u.desired()));
        } else if (action instanceof Decision.Verify v) {
            writer.verified(v.actual(), v.wanted());
        } else if (action instanceof Decision.Delete d) {
            return writer.delete(d.child(), d.propagation());
        } else if (action instanceof Decision.DeletePreview) {
            client.resource(preview)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
        }
        return true;
    }

    private InformerEventSource<? extends HasMetadata, PreviewDeployment> informer(HasMetadata object) {
        var informer = informers.get(object.getKind());
        if (informer == null) throw new IllegalStateException("no informer for " + object.getKind());
        return informer;
    }

    private static String describe(Action action) {
        if (action instanceof Decision.Create c) return "creating " + kindAndName(c.desired());
        if (action instanceof Decision.Update u) return "updating " + kindAndName(u.actual());
        if (action instanceof Decision.Delete d) return "deleting " + kindAndName(d.child());
        if (action instanceof Decision.DeletePreview) return "deleting the expired preview";
        return action.toString();
    }

    private static String kindAndName(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }
}
