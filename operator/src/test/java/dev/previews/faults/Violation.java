package dev.previews.faults;

import java.time.Instant;

/**
 * An invariant that did not hold: which, where (namespace, the preview or branch), at which revision
 * of the cluster's state (etcd's, the resourceVersion of the event that broke it) and when the checker
 * saw it, and what exactly it saw.
 */
record Violation(String invariant, String namespace, String subject, long revision, Instant seen, String detail) {
    @Override
    public String toString() {
        return invariant + ": " + namespace + "/" + subject + " at revision " + revision + " (seen " + seen + "): "
                + detail;
    }
}
