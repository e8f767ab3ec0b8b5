package dev.previews.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts the operator's reconciles (java-operator-sdk's metrics hook): in all, and the distinct
 * previews reconciled since the last {@link #mark()}; notes when the first reconcile began.
 */
final class Reconciles implements Metrics {
  private long finished;
  private long firstStart;
  private final Set<ResourceID> since = new HashSet<>();

  @Override
  public synchronized void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    if (firstStart == 0) firstStart = System.nanoTime();
  }

  @Override
  public synchronized void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
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
