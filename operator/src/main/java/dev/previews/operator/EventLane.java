package dev.previews.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the recorder's writers: a bounded queue, the {@link EventCorrelator} of the previews it is
 * given (always the same ones, so their counts and limits are all here), and a thread that writes
 * the queue in order, and the counts the rate limit held back when their time comes. Stopping, it
 * writes what is queued and every count still held back.
 */
final class EventLane {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    /** How often the thread looks at counts held back by the rate limit. */
    private static final Duration TICK = Duration.ofSeconds(1);
    /** Wakes the thread when the lane stops. */
    private static final EventOccurrence STOP =
            new EventOccurrence(null, null, null, null, EventRecorder.Type.Normal, "", "", Instant.EPOCH);

    private final Clock clock;
    private final BlockingQueue<EventOccurrence> queue;
    private final EventCorrelator correlator = new EventCorrelator();
    private final EventWrites writes;
    private final Consumer<EventRecorder.Outcome> outcomes;
    private final Thread thread;
    private volatile boolean stopping;
    private long correlatorDropsCounted;

    EventLane(String name, int capacity, EventWrites writes, Clock clock, Consumer<EventRecorder.Outcome> outcomes) {
        this.clock = clock;
        this.writes = writes;
        this.outcomes = outcomes;
        // one place more, for STOP
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.thread = new Thread(this::writeAll, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the occurrence; false when the queue is full (or the lane stopped). */
    boolean offer(EventOccurrence o) {
        return !stopping && queue.remainingCapacity() > 1 && queue.offer(o);
    }

    /** Asks the thread to write what is left and end. */
    void stop() {
        stopping = true;
        queue.offer(STOP);
    }

    /** Waits for the thread to end until the deadline (System.nanoTime); false when it did not. */
    boolean awaitStopped(long deadline) throws InterruptedException {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (thread.isAlive()) {
            thread.interrupt();
            return false;
        }
        return true;
    }

    private void writeAll() {
        try {
            while (!(stopping && queue.isEmpty())) {
                long wait = correlator.hasPending() ? TICK.toMillis() : TimeUnit.MINUTES.toMillis(1);
                EventOccurrence o = queue.poll(wait, TimeUnit.MILLISECONDS);
                if (o != null && o != STOP) {
                    correlator.observe(o).ifPresent(this::write);
                    countCorrelatorDrops();
                }
                correlator.due(clock.instant()).forEach(this::write);
            }
            correlator.rest().forEach(this::write);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("an Event writer stopped: {}", e.toString(), e);
        }
    }

    private void write(EventCorrelator.Write w) {
        List<EventCorrelator.Write> next = new ArrayList<>(1);
        if (w instanceof EventCorrelator.Create c) {
            String name = writes.create(c);
            if (name != null) {
                correlator.created(c.key(), name);
                outcomes.accept(EventRecorder.Outcome.created);
            } else {
                correlator.lost(c.key());
                failed(c.key(), writes.lastFailure());
            }
        } else if (w instanceof EventCorrelator.Patch p) {
            switch (writes.patch(p)) {
                case WRITTEN -> outcomes.accept(EventRecorder.Outcome.aggregated);
                case GONE -> correlator.lost(p.key()).ifPresent(next::add);
                default -> failed(p.key(), writes.lastFailure());
            }
        }
        next.forEach(this::write);
    }

    private void failed(EventOccurrence.Key key, KubernetesClientException e) {
        if (e != null && EventWrites.outcomeOf(e) == EventWrites.Outcome.NAMESPACE_TERMINATING) {
            log.debug(
                    "no event {} on {}/{}: the namespace is being deleted", key.reason(), key.namespace(), key.name());
            return;
        }
        outcomes.accept(EventRecorder.Outcome.failed);
        log.warn(
                "could not record event {} on {}/{}: {}",
                key.reason(),
                key.namespace(),
                key.name(),
                e == null ? "no answer" : e.getMessage());
    }

    private void countCorrelatorDrops() {
        long dropped = correlator.dropped();
        for (; correlatorDropsCounted < dropped; correlatorDropsCounted++) {
            outcomes.accept(EventRecorder.Outcome.dropped);
        }
    }
}
