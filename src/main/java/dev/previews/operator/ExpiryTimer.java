package dev.previews.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Wakes a preview up at a given instant of the injected clock (its expiry), with one timer per
 * preview: no polling. {@link #fireDue()} fires what is due now; the executor calls it when the next
 * instant comes, and a test that moves its clock calls it too.
 */
public final class ExpiryTimer implements AutoCloseable {
  private final Clock clock;
  private final Consumer<ResourceID> wake;
  private final Map<ResourceID, Instant> due = new HashMap<>();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "preview-expiry-timer");
    t.setDaemon(true);
    return t;
  });
  private ScheduledFuture<?> next;

  public ExpiryTimer(Clock clock, Consumer<ResourceID> wake) {
    this.clock = clock;
    this.wake = wake;
  }

  /** Wakes the preview at the instant (replacing an earlier request); null cancels. */
  public synchronized void wakeAt(ResourceID preview, Instant at) {
    Instant previous = at == null ? due.remove(preview) : due.put(preview, at);
    if (!java.util.Objects.equals(previous, at)) {
      rearm();
    }
  }

  public synchronized void cancel(ResourceID preview) {
    if (due.remove(preview) != null) rearm();
  }

  /** Fires every wake-up whose instant has come, then arms the timer for the next one. */
  public void fireDue() {
    Instant now = clock.instant();
    java.util.List<ResourceID> fire = new java.util.ArrayList<>();
    synchronized (this) {
      due.entrySet().removeIf(e -> {
        if (!e.getValue().isAfter(now)) {
          fire.add(e.getKey());
          return true;
        }
        return false;
      });
      rearm();
    }
    fire.forEach(wake);
  }

  public synchronized int pending() {
    return due.size();
  }

  private void rearm() {
    if (next != null) next.cancel(false);
    next = null;
    due.values().stream().min(Instant::compareTo).ifPresent(first -> {
      long delay = Math.max(0, Duration.between(clock.instant(), first).toMillis());
      next = executor.schedule(this::fireDue, delay, TimeUnit.MILLISECONDS);
    });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
