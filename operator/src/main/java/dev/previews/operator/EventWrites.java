package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Events' requests: a POST of a new Event (core v1, as {@code kubectl describe} shows them), and a
 * JSON merge patch of an existing one's count and lastTimestamp (strategic merge patch is what
 * client-go sends; a merge patch of two scalar fields does the same, on every API server and on the
 * mock).
 */
public final class EventWrites {
    /** What a write came to. */
    enum Outcome {
        WRITTEN,
        /** The Event is no longer there (its time to live ran out): write it anew. */
        GONE,
        /** The namespace is being deleted: nothing can be created in it any more. */
        NAMESPACE_TERMINATING,
        FAILED
    }

    /** Messages longer than this are cut (the API server refuses Events over 1 MiB, kubectl shows one line). */
    static final int MESSAGE_LIMIT = 1024;

    private final KubernetesClient client;
    private final AtomicLong sequence = new AtomicLong();
    private volatile KubernetesClientException lastFailure;

    EventWrites(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the Event; returns its name, or null when the API server did not take it. */
    String create(EventCorrelator.Create c) {
        EventOccurrence o = c.first();
        String name = (o.name() + "." + Long.toHexString(System.currentTimeMillis())
                        + Long.toHexString(sequence.incrementAndGet()))
                .toLowerCase(Locale.ROOT);
        Event event = body(o, name, c.count(), c.firstAt(), c.lastAt());
        try {
            client.v1().events().inNamespace(o.namespace()).resource(event).create();
            return name;
        } catch (KubernetesClientException e) {
            lastFailure = e;
            return null;
        }
    }

    Outcome patch(EventCorrelator.Patch p) {
        String json = "{\"count\":" + p.count() + ",\"lastTimestamp\":\"" + Timestamps.format(p.lastAt()) + "\"}";
        // on an object that holds only the name: given a name alone, fabric8 reads the object first
        Event target = new EventBuilder()
                .withNewMetadata()
                .withName(p.eventName())
                .withNamespace(p.key().namespace())
                .endMetadata()
                .build();
        try {
            client.v1().events().resource(target).patch(PatchContext.of(PatchType.JSON_MERGE), json);
            return Outcome.WRITTEN;
        } catch (KubernetesClientException e) {
            lastFailure = e;
            return e.getCode() == 404 ? Outcome.GONE : outcomeOf(e);
        }
    }

    /** Why the last create or patch failed. */
    KubernetesClientException lastFailure() {
        return lastFailure;
    }

    static Outcome outcomeOf(KubernetesClientException e) {
        return ApiErrors.isNamespaceTerminating(e) ? Outcome.NAMESPACE_TERMINATING : Outcome.FAILED;
    }

    /** The Event of one occurrence on a preview, as the operator writes it (also the lower bound's). */
    public static Event body(
            PreviewDeployment preview, EventRecorder.Type type, String reason, String message, Instant at) {
        EventOccurrence o = EventOccurrence.of(preview, type, reason, message, at);
        String name = (o.name() + "." + Long.toHexString(System.nanoTime())).toLowerCase(Locale.ROOT);
        return body(o, name, 1, at, at);
    }

    private static Event body(EventOccurrence o, String name, int count, Instant first, Instant last) {
        String message = o.message() == null ? "" : o.message();
        return new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(o.namespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(PreviewDeployment.API_VERSION)
                .withKind(PreviewDeployment.KIND)
                .withName(o.name())
                .withNamespace(o.namespace())
                .withUid(o.uid())
                .withResourceVersion(o.resourceVersion())
                .endInvolvedObject()
                .withType(o.type().name())
                .withReason(o.reason())
                .withMessage(
                        message.length() > MESSAGE_LIMIT ? message.substring(0, MESSAGE_LIMIT - 3) + "..." : message)
                .withFirstTimestamp(Timestamps.format(first))
                .withLastTimestamp(Timestamps.format(last))
                .withCount(count)
                .withNewSource()
                .withComponent(EventRecorder.COMPONENT)
                .endSource()
                .withReportingComponent(EventRecorder.COMPONENT)
                .build();
    }
}
