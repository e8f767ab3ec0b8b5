package dev.previews.policy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The optional {@code notifications} section of the configuration: webhooks told of some of a
 * preview's transitions, and how deliveries are made (not in the file: the defaults, shortened by
 * tests).
 */
public record NotificationConfig(List<Webhook> webhooks, Delivery delivery) {

    /**
     * The Event reasons a webhook can be told of, in the order of a preview's life. Other Events
     * (Provisioned, Seeded, ...) happen on every push and would only be noise in a chat channel.
     */
    public static final List<String> EVENTS = List.of("ExpiresSoon", "Expired", "SeedFailed", "Asleep", "Awake");

    public static NotificationConfig none() {
        return new NotificationConfig(List.of(), Delivery.defaults());
    }

    public NotificationConfig withDelivery(Delivery delivery) {
        return new NotificationConfig(webhooks, delivery);
    }

    /**
     * One webhook.
     *
     * @param url where to POST; a secret (a Slack webhook URL carries its token), never logged
     * @param urlFrom where the URL came from, for messages: "environment variable X" or "file /p"
     * @param events the reasons it is told of (a subset of {@link #EVENTS})
     * @param namespaces the namespaces whose previews it is told of; empty: every watched namespace
     */
    public record Webhook(String name, URI url, String urlFrom, Set<String> events, Set<String> namespaces) {
        public Webhook {
            events = Set.copyOf(events);
            namespaces = Set.copyOf(namespaces);
        }

        /** Told of every event in every watched namespace. */
        public static Webhook of(String name, URI url) {
            return new Webhook(name, url, "a URL given directly", Set.copyOf(EVENTS), Set.of());
        }

        public Webhook onlyEvents(String... reasons) {
            return new Webhook(name, url, urlFrom, Set.of(reasons), namespaces);
        }

        public Webhook onlyNamespaces(String... names) {
            return new Webhook(name, url, urlFrom, events, Set.of(names));
        }

        public boolean selects(String reason, String namespace) {
            return events.contains(reason) && (namespaces.isEmpty() || namespaces.contains(namespace));
        }

        /** Without the URL, which is a secret. */
        @Override
        public String toString() {
            return "Webhook[name=" + name + ", url from " + urlFrom + ", events=" + events + ", namespaces="
                    + (namespaces.isEmpty() ? "all" : namespaces) + "]";
        }
    }

    /**
     * How notifications are delivered: each webhook has its own bounded queue and worker, so a
     * webhook that hangs delays only its own notifications.
     *
     * @param queueCapacity notifications waiting per webhook; when full, the oldest is dropped
     * @param connectTimeout to open a connection
     * @param requestTimeout from sending the request to the end of the answer
     * @param maxAttempts attempts per notification, the first included
     * @param firstRetry the pause before the second attempt; it doubles, with jitter, for each next one
     * @param maxRetryDelay the longest pause, Retry-After included
     * @param stopGrace how long a stopping operator keeps delivering what is due before it drops the rest
     * @param rememberedIds ids of notifications already queued, per webhook, so that a transition
     *     computed twice is sent once
     */
    public record Delivery(
            int queueCapacity,
            Duration connectTimeout,
            Duration requestTimeout,
            int maxAttempts,
            Duration firstRetry,
            Duration maxRetryDelay,
            Duration stopGrace,
            int rememberedIds) {

        /** 5 attempts over about a minute (pauses of 2-4, 4-8, 8-16 and 16-32 s), 2 s / 5 s timeouts. */
        public static Delivery defaults() {
            return new Delivery(
                    1000,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5),
                    5,
                    Duration.ofSeconds(4),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(5),
                    10_000);
        }

        /**
         * The pause after {@code failedAttempts} failed attempts: {@code firstRetry} doubled each time,
         * of which a random half (equal jitter: webhooks that failed together do not retry together).
         *
         * @param random a number in [0, 1)
         */
        public Duration retryDelay(int failedAttempts, double random) {
            long full = firstRetry.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 20);
            full = Math.min(full, maxRetryDelay.toMillis());
            return Duration.ofMillis(full / 2 + (long) (random * (full / 2.0)));
        }
    }
}
