package dev.previews.notify;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.NotificationConfig;
import dev.previews.policy.NotificationConfig.Webhook;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the configured webhooks of a preview's transitions (DESIGN.md behaviour 7). The reconciler
 * hands it every Event it records for a transition ({@link #notice}); it keeps the reasons of
 * {@link NotificationConfig#EVENTS} that each webhook selects, in the namespaces it selects, and
 * queues one notification per webhook with the transition's stable id. Delivery happens on each
 * webhook's own thread ({@link WebhookQueue}): a reconcile never waits for a webhook, and a webhook
 * that fails costs a log line and a metric.
 *
 * <p>The HTTP client is the JDK's, with its own small executor: it makes a handful of requests, one
 * at a time per webhook, and should not hand its answers to the common ForkJoinPool (see the README's
 * decision on the Kubernetes client).
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final List<WebhookQueue> queues;
    private final Clock clock;
    private final ExecutorService http;
    private final long stopGraceNanos;

    private Notifier(List<WebhookQueue> queues, Clock clock, ExecutorService http, long stopGraceNanos) {
        this.queues = queues;
        this.clock = clock;
        this.http = http;
        this.stopGraceNanos = stopGraceNanos;
    }

    /** Notifies nobody, and starts no thread. */
    public static Notifier none() {
        return new Notifier(List.of(), Clock.systemUTC(), null, 0);
    }

    /** Starts a worker per webhook (none without webhooks), and registers the metrics. */
    public static Notifier start(NotificationConfig config, Clock clock, MeterRegistry registry) {
        if (config.webhooks().isEmpty()) {
            return none();
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService http = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "notify-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(config.delivery().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // one request at a time per webhook: HTTP/2 brings nothing, and its upgrade from a plain
                // http:// URL (h2c) costs receivers that do not speak it a round trip
                .version(HttpClient.Version.HTTP_1_1)
                .executor(http)
                .build();
        WebhookSender sender = new WebhookSender(client, config.delivery());
        NotificationMetrics metrics = new NotificationMetrics(registry, config.webhooks());
        List<WebhookQueue> queues = config.webhooks().stream()
                .map(w -> new WebhookQueue(w, config.delivery(), sender, metrics))
                .toList();
        for (WebhookQueue q : queues) {
            Gauge.builder("preview.operator.notification.queue", q, WebhookQueue::size)
                    .description("Notifications waiting for delivery to the webhook")
                    .tag("webhook", q.webhook().name())
                    .register(registry);
            q.start();
            log.info("notifying webhook {}", q.webhook());
        }
        return new Notifier(queues, clock, http, config.delivery().stopGrace().toNanos());
    }

    /**
     * A transition's Event, as the reconciler records it: queued for every webhook that selects its
     * reason and namespace. Never blocks, never throws.
     *
     * @param after the status the transition leads to; null when the preview is being deleted
     *     (expiry under the Delete policy)
     */
    public void notice(PreviewDeployment preview, PreviewDeploymentStatus after, String reason, String message) {
        if (queues.isEmpty() || !NotificationConfig.EVENTS.contains(reason)) {
            return;
        }
        try {
            String namespace = preview.getMetadata().getNamespace();
            Notification notification = null;
            for (WebhookQueue queue : queues) {
                if (!queue.webhook().selects(reason, namespace)) continue;
                if (notification == null) {
                    notification = Notification.of(preview, after, reason, message, clock.instant());
                }
                queue.offer(notification);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "{}/{}: no notification of {}: {}",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    reason,
                    e.toString());
        }
    }

    public List<Webhook> webhooks() {
        return queues.stream().map(WebhookQueue::webhook).toList();
    }

    /**
     * Delivers what is due within the stop grace (all webhooks at once), then drops the rest; called
     * once the reconciles have finished, so that nothing more is queued.
     */
    @Override
    public void close() {
        if (queues.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + stopGraceNanos;
        queues.forEach(q -> q.stop(deadline));
        try {
            for (WebhookQueue q : queues) {
                q.awaitStopped(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.shutdownNow();
        }
    }
}
