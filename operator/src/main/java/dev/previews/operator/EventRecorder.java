package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on previews, as {@code kubectl describe pd} shows them, off the
 * reconcile: {@link #record} logs the Event, queues it and returns, never waiting for the API server
 * and never throwing. {@link #LANES} writers ({@link EventLane}) write the queues, each the Events of
 * its share of the previews, in order, through an {@link EventCorrelator} (the same Event again is a
 * patch of its count; a storm on one preview is held to a burst, then one write a minute). A full
 * queue drops the new Event (counted, and said in the log at most once a minute). {@link #close}
 * writes what is queued, within a grace period.
 *
 * <p>Several writers, because the reconciles that used to write Events themselves were several: one
 * writer on a busy two-CPU machine fell behind a burst of a thousand previews (docs/BENCHMARKS.md).
 *
 * <p>Metrics: {@code preview_operator_events_total{outcome}}: {@code created}, {@code aggregated} (a
 * patch of an existing Event's count), {@code dropped} (queue full, or over the preview's limit),
 * {@code failed} (refused by the API server).
 */
public class EventRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "preview-operator";
    /** Writers, each with its own queue and thread; a preview's Events always go to the same one. */
    static final int LANES = 4;
    /** Events waiting to be written, at most, in all. */
    static final int QUEUE_CAPACITY = 4096;
    /** How long {@link #close()} lets the writers finish what is queued. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private static final Duration DROP_LOG_INTERVAL = Duration.ofMinutes(1);

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
    private final EventLane[] lanes = new EventLane[LANES];
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL.toNanos());
    private volatile boolean stopping;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this(client, clock, new SimpleMeterRegistry());
    }

    public EventRecorder(KubernetesClient client, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        for (Outcome outcome : Outcome.values()) {
            counters.put(
                    outcome,
                    Counter.builder("preview.operator.events")
                            .description("Kubernetes Events on previews, by what became of them")
                            .tag("outcome", outcome.name())
                            .register(registry));
        }
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new EventLane(
                    "preview-events-" + (i + 1),
                    QUEUE_CAPACITY / LANES,
                    new EventWrites(client),
                    clock,
                    outcome -> counters.get(outcome).increment());
        }
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
        EventOccurrence o = EventOccurrence.of(preview, type, reason, message, clock.instant());
        if (!lanes[lane(o.subject())].offer(o)) {
            dropped(reason, namespace, name);
        }
    }

    /** The writer of a preview's Events: always the same, so that they are written in order. */
    static int lane(EventOccurrence.Subject preview) {
        return Math.floorMod(preview.hashCode(), LANES);
    }

    /** Writes what is queued (within {@link #STOP_GRACE}) and stops the writers. */
    @Override
    public void close() {
        close(STOP_GRACE);
    }

    public void close(Duration grace) {
        stopping = true;
        for (EventLane lane : lanes) lane.stop();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            for (EventLane lane : lanes) {
                if (!lane.awaitStopped(deadline)) {
                    log.warn("stopping with Events not written after {} s", grace.toSeconds());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dropped(String reason, String namespace, String name) {
        counters.get(Outcome.dropped).increment();
        long drops = queueDrops.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropLog.get();
        if (now - last >= DROP_LOG_INTERVAL.toNanos() && lastDropLog.compareAndSet(last, now)) {
            log.warn(
                    "Events are recorded faster than the API server takes them: {} dropped so far (the latest {} on"
                            + " {}/{})",
                    drops,
                    reason,
                    namespace,
                    name);
        }
    }
}
