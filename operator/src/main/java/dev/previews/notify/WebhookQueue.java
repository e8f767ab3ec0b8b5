package dev.previews.notify;

import dev.previews.notify.NotificationMetrics.Outcome;
import dev.previews.policy.NotificationConfig.Delivery;
import dev.previews.policy.NotificationConfig.Webhook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications waiting for one webhook, and the thread that delivers them, one at a time in
 * the order of their transitions. A reconcile only adds to the queue (under a lock held for a few
 * operations): a webhook that is down, slow or hanging delays its own queue, never a reconcile nor
 * another webhook. The queue is bounded: when it is full the oldest notification is dropped.
 */
final class WebhookQueue {
    private static final Logger log = LoggerFactory.getLogger(WebhookQueue.class);
    /** A webhook that is down for hours drops many notifications: one line a minute says so. */
    private static final long DROPS_LOGGED_EVERY = TimeUnit.MINUTES.toNanos(1);

    private record Queued(Notification notification, long since) {}

    private final Webhook webhook;
    private final Delivery settings;
    private final WebhookSender sender;
    private final NotificationMetrics metrics;
    private final Thread worker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** Ids queued lately (the oldest forgotten first): a transition computed twice is queued once. */
    private final Set<String> queuedIds;

    private boolean stopping;
    private long stopBy;
    private long lastDropLogged;
    private long dropsNotLogged;

    WebhookQueue(Webhook webhook, Delivery settings, WebhookSender sender, NotificationMetrics metrics) {
        this.webhook = webhook;
        this.settings = settings;
        this.sender = sender;
        this.metrics = metrics;
        this.queuedIds = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > settings.rememberedIds();
            }
        });
        this.worker = new Thread(this::work, "notify-" + webhook.name());
        worker.setDaemon(true);
    }

    Webhook webhook() {
        return webhook;
    }

    void start() {
        worker.start();
    }

    /** Queues the notification unless it was queued already; drops the oldest when full. */
    void offer(Notification n) {
        lock.lock();
        try {
            if (!queuedIds.add(n.id())) {
                log.debug("webhook {}: {} is queued already", webhook.name(), n.describe());
                return;
            }
            if (stopping) {
                metrics.count(webhook.name(), n.event(), Outcome.dropped);
                return;
            }
            if (queue.size() >= settings.queueCapacity()) {
                Queued oldest = queue.pollFirst();
                metrics.count(webhook.name(), oldest.notification().event(), Outcome.dropped);
                droppedOldest();
            }
            queue.addLast(new Queued(n, System.nanoTime()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Delivers what is due until {@code stopBy} (System.nanoTime), then drops the rest. */
    void stop(long stopBy) {
        lock.lock();
        try {
            stopping = true;
            this.stopBy = stopBy;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the worker until {@code deadline}, then interrupts the attempt under way. */
    void awaitStopped(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left > 0) worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(1));
        }
    }

    private void work() {
        Queued next;
        while ((next = take()) != null) {
            try {
                deliver(next);
            } catch (RuntimeException e) {
                metrics.count(webhook.name(), next.notification().event(), Outcome.failed);
                log.warn(
                        "webhook {}: {} not delivered: {}",
                        webhook.name(),
                        next.notification().describe(),
                        e.getClass().getSimpleName());
            }
        }
        dropTheRest();
    }

    /** The next notification; null once stopping and nothing is left, or the grace is over. */
    private Queued take() {
        lock.lock();
        try {
            while (true) {
                if (stopping && (queue.isEmpty() || System.nanoTime() - stopBy >= 0)) return null;
                Queued q = queue.pollFirst();
                if (q != null) return q;
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void deliver(Queued q) {
        Notification n = q.notification();
        WebhookSender.Outcome last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            last = sender.send(webhook, n);
            switch (last.kind()) {
                case DELIVERED -> {
                    metrics.delivered(webhook.name(), n.event(), System.nanoTime() - q.since());
                    log.debug("webhook {}: {} delivered (attempt {})", webhook.name(), n.describe(), attempt);
                    return;
                }
                case FAILED -> {
                    metrics.count(webhook.name(), n.event(), Outcome.failed);
                    log.warn(
                            "webhook {}: {} not delivered: {}, not retried",
                            webhook.name(),
                            n.describe(),
                            last.detail());
                    return;
                }
                case INTERRUPTED -> {
                    stopped(n);
                    return;
                }
                case RETRY -> {}
            }
            if (attempt == settings.maxAttempts()) break;
            Duration pause = last.retryAfter() != null
                    ? min(last.retryAfter(), settings.maxRetryDelay())
                    : settings.retryDelay(attempt, ThreadLocalRandom.current().nextDouble());
            log.debug(
                    "webhook {}: {}: attempt {} of {}: {}; next in {} ms",
                    webhook.name(),
                    n.describe(),
                    attempt,
                    settings.maxAttempts(),
                    last.detail(),
                    pause.toMillis());
            if (!pause(pause)) {
                stopped(n);
                return;
            }
        }
        metrics.count(webhook.name(), n.event(), Outcome.failed);
        log.warn(
                "webhook {}: {} not delivered after {} attempts: {}",
                webhook.name(),
                n.describe(),
                settings.maxAttempts(),
                last.detail());
    }

    /** Waits before the next attempt; false when the operator stops before it is due. */
    private boolean pause(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        lock.lock();
        try {
            while (true) {
                if (stopping && until - stopBy > 0) return false;
                long left = until - System.nanoTime();
                if (left <= 0) return true;
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void stopped(Notification n) {
        metrics.count(webhook.name(), n.event(), Outcome.dropped);
        log.info("webhook {}: {} dropped: the operator stopped before it was delivered", webhook.name(), n.describe());
    }

    private void dropTheRest() {
        int dropped;
        lock.lock();
        try {
            dropped = queue.size();
            queue.forEach(q -> metrics.count(webhook.name(), q.notification().event(), Outcome.dropped));
            queue.clear();
        } finally {
            lock.unlock();
        }
        if (dropped > 0) {
            log.warn(
                    "webhook {}: {} notification(s) not delivered within the {} ms the operator gives them at stop,"
                            + " dropped",
                    webhook.name(),
                    dropped,
                    settings.stopGrace().toMillis());
        }
    }

    /** Called under the lock: one line at once, then at most one a minute with the count since. */
    private void droppedOldest() {
        dropsNotLogged++;
        long now = System.nanoTime();
        if (lastDropLogged != 0 && now - lastDropLogged < DROPS_LOGGED_EVERY) return;
        log.warn(
                "webhook {}: {} notification(s) waiting, the queue is full: dropped the oldest ({} since the last"
                        + " such line)",
                webhook.name(),
                queue.size(),
                dropsNotLogged);
        lastDropLogged = now == 0 ? 1 : now;
        dropsNotLogged = 0;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
