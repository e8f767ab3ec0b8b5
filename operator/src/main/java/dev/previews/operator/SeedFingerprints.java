package dev.previews.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The seed fingerprint of each preview (a hash of its canonical seed container, see SeedJobs), kept
 * while what it is made from stays the same, so that a reconcile does not build and hash the seed
 * container only to find the Job it already has.
 */
final class SeedFingerprints {
    private record Known(String madeFrom, String fingerprint) {}

    private final Map<ResourceID, Known> byPreview = new ConcurrentHashMap<>();

    /** The fingerprint made from {@code madeFrom}: remembered, or computed now (null madeFrom: always computed). */
    String of(ResourceID preview, String madeFrom, Supplier<String> compute) {
        Known known = byPreview.get(preview);
        if (madeFrom != null && known != null && known.madeFrom().equals(madeFrom)) {
            return known.fingerprint();
        }
        String fingerprint = compute.get();
        if (madeFrom != null) {
            byPreview.put(preview, new Known(madeFrom, fingerprint));
        }
        return fingerprint;
    }

    void forget(ResourceID preview) {
        byPreview.remove(preview);
    }
}
