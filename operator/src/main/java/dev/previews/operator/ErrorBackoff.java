package dev.previews.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When to try a preview again after the API server refused its actions: after 5 s, then twice as
 * long each time, at most every 5 minutes, until a decision is carried out. A refusal that persists
 * (a role without a permission, a quota) costs a few requests an hour, never a storm.
 */
final class ErrorBackoff {
    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration MOST = Duration.ofMinutes(5);

    private final Map<ResourceID, Integer> failures = new ConcurrentHashMap<>();

    /** One more failure in a row: how long to wait before the next attempt. */
    Duration failed(ResourceID preview) {
        int n = failures.merge(preview, 1, Integer::sum);
        long seconds = FIRST.toSeconds() << Math.min(n - 1, 16);
        return seconds >= MOST.toSeconds() ? MOST : Duration.ofSeconds(seconds);
    }

    void succeeded(ResourceID preview) {
        failures.remove(preview);
    }
}
