package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on previews, as {@code kubectl describe pd} shows them, off the
 * reconcile: {@link #record} logs the Event, puts it in a bounded queue and returns, never waiting
 * for the API server and never throwing. One thread writes the queue in order, through the
 * {@link EventCorrelator} (the same Event again is a patch of its count; a storm on one object is
 * held to a burst, then one write a minute). A full queue drops the new Event (counted, and said
 * in the log at most once a minute). {@link #close} writes what is queued, within a grace period.
 *
 * <p>Metrics: {@code preview_operator_events_total{outcome}}: {@code created}, {@code aggregated} (a
 * patch of an existing Event's count), {@code dropped} (queue full, or over the object's limit),
 * {@code failed} (refused by the API server).
 */
public class EventRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "preview-operator";
    /** Events waiting to be written, at most (client-go's recorder queues 1000 too). */
    static final int QUEUE_CAPACITY = 1000;
    /** How long {@link #close()} lets the writer finish what is queued. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How often the writer looks at counts held back by the rate limit. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private static final Duration DROP_LOG_INTERVAL = Duration.ofMinutes(1);
    /** Wakes the writer when the recorder stops. */
    private static final EventOccurrence STOP =
            new EventOccurrence(null, null, null, null, Type.Normal, "", "", Instant.EPOCH);

    public enum Type {
        Normal,
        Warning
    }

    enum Outcome {
        created,
        aggregated,
        dropped,
        failed
    }

    private final Clock clock;
    private final BlockingQueue<EventOccurrence> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY + 1);
    private final EventCorrelator correlator = new EventCorrelator();
    private final EventWrites writes;
    private final Map<Outcome, Counter> counters;
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL.toNanos());
    private final Thread writer;
    private volatile boolean stopping;
    private long correlatorDropsCounted;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this(client, clock, new SimpleMeterRegistry());
    }

    public EventRecorder(KubernetesClient client, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.writes = new EventWrites(client);
        this.counters = Map.of(
                Outcome.created, counter(registry, Outcome.created),
                Outcome.aggregated, counter(registry, Outcome.aggregated),
                Outcome.dropped, counter(registry, Outcome.dropped),
                Outcome.failed, counter(registry, Outcome.failed));
        this.writer = new Thread(this::writeAll, "preview-events");
        writer.setDaemon(true);
        writer.start();
    }

    /** Logs the Event and queues it; returns at once. */
    public void record(PreviewDeployment preview, Type type, String reason, String message) {
        String namespace = preview.getMetadata().getNamespace();
        String name = preview.getMetadata().getName();
        if (type == Type.Warning) {
            log.warn("{}/{}: {}: {}", namespace, name, reason, message);
        } else {
            log.info("{}/{}: {}: {}", namespace, name, reason, message);
        }
        if (stopping) {
            log.debug("{}/{}: no Event {}: the operator is stopping", namespace, name, reason);
            return;
        }
        // one place of the queue stays free for STOP
        if (queue.remainingCapacity() <= 1
                || !queue.offer(EventOccurrence.of(preview, type, reason, message, clock.instant()))) {
            counters.get(Outcome.dropped).increment();
            long drops = queueDrops.incrementAndGet();
            long now = System.nanoTime();
            long last = lastDropLog.get();
            if (now - last >= DROP_LOG_INTERVAL.toNanos() && lastDropLog.compareAndSet(last, now)) {
                log.warn(
                        "Events are recorded faster than the API server takes them: {} queued, {} dropped so far"
                                + " (the latest {} on {}/{})",
                        QUEUE_CAPACITY,
                        drops,
                        reason,
                        namespace,
                        name);
            }
        }
    }

    /** Writes what is queued (within {@link #STOP_GRACE}) and stops the writer. */
    @Override
    public void close() {
        close(STOP_GRACE);
    }

    public void close(Duration grace) {
        stopping = true;
        queue.offer(STOP);
        try {
            writer.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn("stopping with {} Events not written after {} s", queue.size(), grace.toSeconds());
            writer.interrupt();
        }
    }

    /** The writer thread: every queued occurrence in order, and the counts the rate limit held back. */
    private void writeAll() {
        try {
            while (!(stopping && queue.isEmpty())) {
                EventOccurrence o =
                        queue.poll(correlator.hasPending() ? TICK.toMillis() : 60_000, TimeUnit.MILLISECONDS);
                Instant now = clock.instant();
                if (o != null && o != STOP) {
                    correlator.observe(o).ifPresent(this::write);
                    countCorrelatorDrops();
                }
                correlator.due(now).forEach(this::write);
            }
            correlator.rest().forEach(this::write);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the Event writer stopped: {}", e.toString(), e);
        }
    }

    private void write(EventCorrelator.Write w) {
        List<EventCorrelator.Write> next = new ArrayList<>(1);
        if (w instanceof EventCorrelator.Create c) {
            String name = writes.create(c);
            if (name != null) {
                correlator.created(c.key(), name);
                counters.get(Outcome.created).increment();
            } else {
                correlator.lost(c.key());
                failed(c.key(), writes.lastFailure());
            }
        } else if (w instanceof EventCorrelator.Patch p) {
            switch (writes.patch(p)) {
                case WRITTEN -> counters.get(Outcome.aggregated).increment();
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
        counters.get(Outcome.failed).increment();
        log.warn(
                "could not record event {} on {}/{}: {}",
                key.reason(),
                key.namespace(),
                key.name(),
                e == null ? "no answer" : e.getMessage());
    }

    private void countCorrelatorDrops() {
        long dropped = correlator.dropped();
        if (dropped > correlatorDropsCounted) {
            counters.get(Outcome.dropped).increment(dropped - correlatorDropsCounted);
            correlatorDropsCounted = dropped;
        }
    }

    private static Counter counter(MeterRegistry registry, Outcome outcome) {
        return Counter.builder("preview.operator.events")
                .description("Kubernetes Events on previews, by what became of them")
                .tag("outcome", outcome.name())
                .register(registry);
    }
}
