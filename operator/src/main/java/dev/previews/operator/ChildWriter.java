package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.workload.ChildDrift;
import dev.previews.workload.Ownership;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a preview's children with plain create, update (PUT) and delete: no server-side apply,
 * the same against the sandbox's mock API and a real cluster. Writes only when the object read from
 * the cache no longer holds what the preview wants, so an idle operator writes nothing.
 */
public final class ChildWriter {
    private static final Logger log = LoggerFactory.getLogger(ChildWriter.class);
    private final KubernetesClient client;
    private final VerifiedChildren verified = new VerifiedChildren();

    /** Updates of one object within one reconcile when it keeps changing under the operator (409). */
    static final int UPDATE_ATTEMPTS = 3;

    /** The API server refused an object the preview asked for (HTTP 422): the spec is at fault. */
    public static final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message);
        }
    }

    /** An object of that name exists and is not this preview's: the operator leaves it alone. */
    public static final class NotOurs extends RuntimeException {
        public NotOurs(String message) {
            super(message);
        }
    }

    public ChildWriter(KubernetesClient client) {
        this.client = client;
    }

    /** Whether this version of the child was last seen to hold what {@code wanted} names. */
    public boolean holds(HasMetadata child, String wanted) {
        return verified.holds(child, wanted);
    }

    /** Records that this version of the child holds what {@code wanted} names. */
    public void verified(HasMetadata child, String wanted) {
        verified.remember(child, wanted);
    }

    /**
     * Puts the child back to the desired object (see {@link ChildDrift#restored}) and PUTs it with the
     * resourceVersion read, so that nobody else's change is overwritten unseen. When the object changed
     * after it was read (409 Conflict: most often the Deployment controller writing its status or
     * revision), reads it again and starts from that version, at most {@link #UPDATE_ATTEMPTS} times in
     * all, as client-go's RetryOnConflict does; only a conflict that goes on fails the reconcile, which
     * then runs again on fresh state. Returns what the server answered, or null when nothing was written.
     */
    public <T extends HasMetadata> T update(String wanted, T desired, T actual, InformerEventSource<T, ?> cache) {
        T read = actual;
        for (int attempt = 1; ; attempt++) {
            T update = markedOwn(ChildDrift.restored(desired, read), read, cache);
            try {
                T written = client.resource(update).update();
                cache.handleRecentResourceUpdate(ResourceID.fromResource(written), written, read);
                verified.remember(written, wanted);
                return written;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == UPDATE_ATTEMPTS) {
                    throw translate(e, desired);
                }
                T current = client.resource(read).get();
                if (current == null) {
                    throw e; // deleted meanwhile: the reconcile runs again and creates it
                }
                if (ChildDrift.of(desired, current).isEmpty()) {
                    verified.remember(current, wanted);
                    return null;
                }
                read = current;
            }
        }
    }

    /** Forgets what was verified of the children named like a preview that is gone. */
    public void forget(ResourceID preview) {
        verified.forget(preview);
    }

    /**
     * Creates the object; an existing object of this preview counts as created, anyone else's is refused.
     * The object carries java-operator-sdk's "previous" annotation, which marks its creation event as
     * this operator's own: that event can arrive before the create returns, and would otherwise run
     * the reconcile again for nothing. What the server answered goes into the informer's cache, and
     * is remembered as holding {@code wanted} (it is the desired object, as the server stored it); an
     * object found existing is compared next time.
     */
    public <T extends HasMetadata> T create(
            PreviewDeployment owner, String wanted, T desired, InformerEventSource<T, ?> cache) {
        if (desired instanceof Job && !live(owner)) {
            // A seed runs once per (deployment, commit, seed spec, reseed value), ever. The cache the decision
            // was made from can still hold a preview the API server has deleted, whose Job the garbage collector
            // has removed: that is no reason to run its seed again (the fault tier saw it, OperatorKillFault).
            log.info(
                    "{}/{}: not creating {} {}: the preview is gone or being deleted",
                    owner.getMetadata().getNamespace(),
                    owner.getMetadata().getName(),
                    desired.getKind(),
                    desired.getMetadata().getName());
            return null;
        }
        try {
            T created = client.resource(markedOwn(desired, null, cache)).create();
            cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            verified.remember(created, wanted);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                T existing = client.resource(desired).get();
                if (existing != null && !Ownership.isOwnedBy(existing, owner)) {
                    throw new NotOurs(
                            desired.getKind() + " " + desired.getMetadata().getName()
                                    + " already exists and does not belong to this preview; delete or rename it");
                }
                return existing;
            }
            throw translate(e, desired);
        }
    }

    /** Whether the API server still has this preview (same uid), not being deleted: read, not from a cache. */
    private boolean live(PreviewDeployment owner) {
        PreviewDeployment current = client.resources(PreviewDeployment.class)
                .inNamespace(owner.getMetadata().getNamespace())
                .withName(owner.getMetadata().getName())
                .get();
        return current != null
                && Objects.equals(
                        current.getMetadata().getUid(), owner.getMetadata().getUid())
                && current.getMetadata().getDeletionTimestamp() == null;
    }

    /** The object to write, with the annotation that tells its watch event from anyone else's change. */
    private static <T extends HasMetadata> T markedOwn(T object, T previous, InformerEventSource<T, ?> cache) {
        object.getMetadata()
                .setAnnotations(new LinkedHashMap<>(
                        Objects.requireNonNullElse(object.getMetadata().getAnnotations(), Map.of())));
        return cache.addPreviousAnnotation(
                previous == null ? null : previous.getMetadata().getResourceVersion(), object);
    }

    /**
     * Deletes an object the operator created; one that is already gone is fine.
     *
     * @return false when the server no longer had it (the cache it was read from is behind)
     */
    public boolean delete(HasMetadata object, DeletionPropagation propagation) {
        verified.forget(object);
        try {
            return !client.resource(object)
                    .withPropagationPolicy(propagation)
                    .delete()
                    .isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
            return false;
        }
    }

    private RuntimeException translate(KubernetesClientException e, HasMetadata desired) {
        if (e.getCode() == 422 || e.getCode() == 400) {
            String detail = e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage()
                    : e.getMessage();
            return new Rejected("the API server refused " + desired.getKind() + " "
                    + desired.getMetadata().getName() + ": " + detail);
        }
        return e;
    }
}
