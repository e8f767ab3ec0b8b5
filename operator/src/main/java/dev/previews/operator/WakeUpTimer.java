package dev.previews.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Wakes a preview up at the instant its decision asked for (the expiry of its deployment), on the
 * injected clock, with one timer per preview: no polling. {@link #fireDue()} fires what is due now;
 * the executor calls it when the next instant comes, and a test that moves its clock calls it too.
 * A time that has passed is never scheduled: it would fire at once, again and again.
 */
public final class WakeUpTimer implements AutoCloseable {
    private final Clock clock;
    private final Consumer<ResourceID> wake;
    private final Map<ResourceID, Instant> due = new HashMap<>();
    /** The same wake-ups ordered by instant, so that the next one is found without a scan. */
    private final TreeMap<Instant, Set<ResourceID>> byInstant = new TreeMap<>();

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "preview-wake-up-timer");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> next;
    private Instant armedFor;

    public WakeUpTimer(Clock clock, Consumer<ResourceID> wake) {
        this.clock = clock;
        this.wake = wake;
    }

    /**
     * Wakes the preview at the instant (replacing an earlier request); null, or an instant that is not
     * to come any more, cancels.
     */
    public synchronized void wakeAt(ResourceID preview, Instant at) {
        if (at != null && !at.isAfter(clock.instant())) {
            at = null;
        }
        Instant previous = at == null ? due.remove(preview) : due.put(preview, at);
        if (!Objects.equals(previous, at)) {
            unindex(preview, previous);
            if (at != null) byInstant.computeIfAbsent(at, i -> new HashSet<>()).add(preview);
            rearm();
        }
    }

    public synchronized void cancel(ResourceID preview) {
        Instant previous = due.remove(preview);
        if (previous != null) {
            unindex(preview, previous);
            rearm();
        }
    }

    /** Fires every wake-up whose instant has come, then arms the timer for the next one. */
    public void fireDue() {
        Instant now = clock.instant();
        List<ResourceID> fire = new ArrayList<>();
        synchronized (this) {
            while (!byInstant.isEmpty() && !byInstant.firstKey().isAfter(now)) {
                for (ResourceID id : byInstant.pollFirstEntry().getValue()) {
                    due.remove(id);
                    fire.add(id);
                }
            }
            armedFor = null; // this run may be the armed one: arm again for what is left
            rearm();
        }
        fire.forEach(wake);
    }

    public synchronized int pending() {
        return due.size();
    }

    private void unindex(ResourceID preview, Instant at) {
        if (at == null) return;
        Set<ResourceID> ids = byInstant.get(at);
        if (ids != null && ids.remove(preview) && ids.isEmpty()) {
            byInstant.remove(at);
        }
    }

    /**
     * Arms the timer for the earliest wake-up. Only a change of that earliest instant re-schedules:
     * with thousands of previews, most calls change a later one and cost O(log n).
     */
    private void rearm() {
        Instant first = byInstant.isEmpty() ? null : byInstant.firstKey();
        if (Objects.equals(first, armedFor) && (first == null || next != null)) {
            return;
        }
        if (next != null) next.cancel(false);
        next = null;
        armedFor = first;
        if (first != null) {
            long delay = Math.max(0, Duration.between(clock.instant(), first).toMillis());
            next = executor.schedule(this::fireDue, delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
