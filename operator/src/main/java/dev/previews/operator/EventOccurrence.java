package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import java.time.Instant;

/**
 * One Event the operator records, as the reconcile saw it: which preview (the reference the Event
 * names), what happened, and when. What the recorder's queue holds.
 */
record EventOccurrence(
        String namespace,
        String name,
        String uid,
        String resourceVersion,
        EventRecorder.Type type,
        String reason,
        String message,
        Instant at) {

    /** What makes two occurrences the same Event: the object, the type, the reason and the message. */
    record Key(String namespace, String name, String uid, EventRecorder.Type type, String reason, String message) {}

    /** The object the Event is about, whose writes the rate limit counts. */
    record Subject(String namespace, String name, String uid) {}

    static EventOccurrence of(
            PreviewDeployment preview, EventRecorder.Type type, String reason, String message, Instant at) {
        var m = preview.getMetadata();
        return new EventOccurrence(
                m.getNamespace(), m.getName(), m.getUid(), m.getResourceVersion(), type, reason, message, at);
    }

    Key key() {
        return new Key(namespace, name, uid, type, reason, message);
    }

    Subject subject() {
        return new Subject(namespace, name, uid);
    }
}
