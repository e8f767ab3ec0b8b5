package dev.previews.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operator's Events after a phase: it writes them off the reconcile, so they trail the statuses
 * that end the phase. Waits (bounded) until its Event writes stop coming, then tells how many there
 * were per preview, when the last came, and how many the operator dropped (its own counter).
 */
final class EventTrail {
    /** Writes that have not moved for this long are over. */
    private static final Duration QUIET = Duration.ofMillis(500);

    private static final Duration POLL = Duration.ofMillis(25);

    private EventTrail() {}

    /**
     * @param writes the operator's Event writes so far (creates and patches)
     * @param expected writes after which there is nothing more to wait for
     * @param since when the phase began (System.nanoTime)
     */
    static Map<String, Object> await(
            Supplier<Long> writes,
            long before,
            long expected,
            MeterRegistry operator,
            double droppedBefore,
            int previews,
            long since,
            Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = writes.get();
        long lastChange = System.nanoTime();
        while (last - before < expected
                && System.nanoTime() - lastChange < QUIET.toNanos()
                && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis());
            long now = writes.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("writesPerPreview", (last - before) / (double) previews);
        out.put("lastWrittenSeconds", (lastChange - since) / 1e9);
        out.put("dropped", dropped(operator) - droppedBefore);
        return out;
    }

    /** Events the operator dropped so far (its counter {@code preview_operator_events_total{outcome="dropped"}}). */
    static double dropped(MeterRegistry operator) {
        Counter c = operator.find("preview.operator.events")
                .tag("outcome", "dropped")
                .counter();
        return c == null ? 0 : c.count();
    }
}
