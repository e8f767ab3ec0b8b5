package dev.previews.notify;

import dev.previews.policy.NotificationConfig.Webhook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The notifications' metrics (Prometheus names):
 *
 * <ul>
 *   <li>{@code preview_operator_notifications_total{webhook, event, outcome}}: notifications by what
 *       became of them: {@code delivered}, {@code failed} (an answer that is not retried, or no
 *       success after the last attempt), {@code dropped} (the queue was full, or the operator stopped);
 *   <li>{@code preview_operator_notification_delivery_seconds{webhook}}: from the transition to the
 *       receiver's 2xx, retries included.
 * </ul>
 *
 * Every row of every configured webhook and event exists from the start, at 0.
 */
final class NotificationMetrics {
    static final Duration[] DELIVERY_BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2)
    };

    enum Outcome {
        delivered,
        failed,
        dropped
    }

    private final MeterRegistry registry;

    NotificationMetrics(MeterRegistry registry, Collection<Webhook> webhooks) {
        this.registry = registry;
        for (Webhook webhook : webhooks) {
            for (String event : webhook.events()) {
                for (Outcome outcome : Outcome.values()) {
                    counter(webhook.name(), event, outcome);
                }
            }
            timer(webhook.name());
        }
    }

    void count(String webhook, String event, Outcome outcome) {
        counter(webhook, event, outcome).increment();
    }

    void delivered(String webhook, String event, long nanosSinceNotice) {
        count(webhook, event, Outcome.delivered);
        timer(webhook).record(Math.max(nanosSinceNotice, 0), TimeUnit.NANOSECONDS);
    }

    private Counter counter(String webhook, String event, Outcome outcome) {
        return Counter.builder("preview.operator.notifications")
                .description("Notifications to webhooks, by what became of them")
                .tags("webhook", webhook, "event", event, "outcome", outcome.name())
                .register(registry);
    }

    private Timer timer(String webhook) {
        return Timer.builder("preview.operator.notification.delivery")
                .description("Time from a transition to its notification's delivery, retries included")
                .tag("webhook", webhook)
                .serviceLevelObjectives(DELIVERY_BUCKETS)
                .register(registry);
    }
}
