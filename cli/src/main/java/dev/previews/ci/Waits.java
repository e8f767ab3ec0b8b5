package dev.previews.ci;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Bounded waits on the API by polling (needs only the get verb, no watch). */
final class Waits {
    private Waits() {}

    /** True once the preview is gone; false when the deadline passes first. */
    static boolean gone(PreviewStore store, String namespace, String name, Instant deadline, Duration poll, Clock clock)
            throws InterruptedException {
        while (store.getRaw(namespace, name) != null) {
            if (!clock.instant().isBefore(deadline)) return false;
            Thread.sleep(Math.max(1, poll.toMillis()));
        }
        return true;
    }
}
