package dev.previews.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the operator's reconciles (java-operator-sdk's metrics hook): in all, and the distinct
 * previews reconciled since the last {@link #mark()}; notes when the first reconcile began and the
 * CPU time the reconciles took (their thread's, between the hook's start and finish); and holds the
 * registry of the operator's own metrics.
 */
final class Reconciles implements Metrics {
    /** Where the operator these count puts its own metrics (the Events it wrote and dropped). */
    final MeterRegistry registry = new SimpleMeterRegistry();

    private long finished;
    private long firstStart;
    private final Set<ResourceID> since = new HashSet<>();
    private final ThreadLocal<long[]> cpuAtStart = ThreadLocal.withInitial(() -> new long[1]);
    private final AtomicLong cpu = new AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Override
    public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
        cpuAtStart.get()[0] = THREADS.getCurrentThreadCpuTime();
        synchronized (this) {
            if (firstStart == 0) firstStart = System.nanoTime();
        }
    }

    @Override
    public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
        cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuAtStart.get()[0]);
        finishedOne(resource);
    }

    /** CPU nanoseconds spent inside reconciles so far (the framework's work around them excluded). */
    long cpuNanos() {
        return cpu.get();
    }

    private synchronized void finishedOne(HasMetadata resource) {
        finished++;
        since.add(ResourceID.fromResource(resource));
        notifyAll();
    }

    synchronized long finished() {
        return finished;
    }

    /** System.nanoTime() of the first reconcile's start, or 0 before it. */
    synchronized long firstStart() {
        return firstStart;
    }

    /** Forgets which previews were reconciled. */
    synchronized void mark() {
        since.clear();
    }

    /** Waits (bounded) until {@code count} distinct previews have been reconciled since the mark. */
    synchronized boolean awaitDistinct(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (since.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
