package dev.previews.notify;

import static dev.previews.notify.Transitions.after;
import static dev.previews.notify.Transitions.asleep;
import static dev.previews.notify.Transitions.condition;
import static dev.previews.notify.Transitions.expiring;
import static dev.previews.notify.Transitions.ready;
import static dev.previews.notify.Transitions.seedFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.NotificationConfig;
import dev.previews.policy.NotificationConfig.Delivery;
import dev.previews.policy.NotificationConfig.Webhook;
import dev.previews.testing.WebhookReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The notifier against webhooks on the loopback interface: each notification once, retries with the
 * same id, and a webhook that fails or hangs costing nothing but its own deliveries.
 */
class NotifierTest {
    /** Short pauses and timeouts, so that retries take milliseconds. */
    static final Delivery FAST = new Delivery(
            1000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            5,
            Duration.ofMillis(20),
            Duration.ofMillis(300),
            Duration.ofMillis(500),
            10_000);

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-06T08:30:00Z"), ZoneOffset.UTC);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = new WebhookReceiver();
        open.add(r);
        return r;
    }

    private Notifier notifier(Delivery delivery, Webhook... webhooks) {
        Notifier n = Notifier.start(new NotificationConfig(List.of(webhooks), delivery), CLOCK, registry);
        open.add(n);
        return n;
    }

    private double count(String webhook, String event, String outcome) {
        return registry.get("preview.operator.notifications")
                .tags("webhook", webhook, "event", event, "outcome", outcome)
                .counter()
                .count();
    }

    /** A SeedFailed of a preview of its own, whose arrival says that everything queued before it was sent. */
    private static void sentinel(Notifier notifier, String name) {
        PreviewDeployment s = ready("sentinels", name);
        notifier.notice(s, seedFailed(s, name + "-seed", "t"), "SeedFailed", "sentinel");
    }

    private static void awaitSentinel(WebhookReceiver receiver, String name) {
        await().atMost(WAIT)
                .until(() -> receiver.received().stream()
                        .anyMatch(r -> r.body().at("/preview/name").asText().equals(name)));
    }

    @Test
    void eachOfTheFiveEventsArrivesExactlyOnceWithItsIdInTheBodyAndTheHeader() {
        WebhookReceiver receiver = receiver();
        Notifier notifier = notifier(FAST, Webhook.of("team", receiver.url()));
        PreviewDeployment p = ready("team-a", "login");
        for (int twice = 0; twice < 2; twice++) {
            // the second round is the same transitions computed again (a status write that failed)
            String at = twice == 0 ? "2026-11-06T08:30:00Z" : "2026-11-06T08:30:02Z";
            notifier.notice(
                    p, after(p, Phase.Ready, condition("Provisioned", "True", "Available", at)), "Provisioned", "");
            notifier.notice(p, expiring(p, at), "ExpiresSoon", "expires in 1d");
            notifier.notice(p, seedFailed(p, "login-seed-a1b2c3d-08e978", at), "SeedFailed", "seed failed");
            notifier.notice(p, asleep(p, at), "Asleep", "scaled to zero");
            notifier.notice(p, after(p, Phase.Ready, condition("Ready", "True", "Ready", at)), "Awake", "awake");
            notifier.notice(p, null, "Expired", "the preview's time ran out");
            notifier.notice(p, null, "SeedStarted", "not a notified event");
        }
        sentinel(notifier, "after-all");
        awaitSentinel(receiver, "after-all");
        // the receiver records a request before it answers: the metric follows the answer
        await().atMost(WAIT)
                .until(() -> registry.get("preview.operator.notification.delivery")
                                .timer()
                                .count()
                        == 6);

        List<WebhookReceiver.Received> got = receiver.received();
        assertThat(got)
                .extracting(WebhookReceiver.Received::event)
                .containsExactly("ExpiresSoon", "SeedFailed", "Asleep", "Awake", "Expired", "SeedFailed");
        assertThat(got).allSatisfy(r -> {
            assertThat(r.id()).isEqualTo(r.body().get("id").asText()).hasSize(32);
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.body().get("text").asText()).isNotBlank();
        });
        assertThat(got.stream().map(WebhookReceiver.Received::id).distinct()).hasSize(6);
        assertThat(got.get(0).body().at("/preview/namespace").asText()).isEqualTo("team-a");
        assertThat(got.get(0).body().get("message").asText()).isEqualTo("expires in 1d");
        for (String event : NotificationConfig.EVENTS) {
            assertThat(count("team", event, "delivered")).as(event).isEqualTo(event.equals("SeedFailed") ? 2 : 1);
            assertThat(count("team", event, "failed") + count("team", event, "dropped"))
                    .isZero();
        }
    }

    @Test
    void aWebhookThatAnswers500ThenGetsItDeliveredWithTheSameId() {
        WebhookReceiver receiver = receiver().answering(500, 503, 200);
        Notifier notifier = notifier(FAST, Webhook.of("flaky", receiver.url()));
        PreviewDeployment p = ready("team-a", "login");
        notifier.notice(p, seedFailed(p, "login-seed-1", "t"), "SeedFailed", "seed failed");
        await().atMost(WAIT).until(() -> count("flaky", "SeedFailed", "delivered") == 1);
        assertThat(receiver.received()).hasSize(3);
        assertThat(receiver.ids().stream().distinct()).hasSize(1);
        assertThat(receiver.received().stream().map(r -> r.body().toString()).distinct())
                .as("every attempt sends the same body")
                .hasSize(1);
        assertThat(count("flaky", "SeedFailed", "failed")).isZero();
    }

    @Test
    void retryAfterIsHonouredUpToTheCap() {
        WebhookReceiver receiver = receiver().answering(429, 200).withRetryAfter("3600");
        Notifier notifier = notifier(FAST, Webhook.of("limited", receiver.url()));
        PreviewDeployment p = ready("team-a", "login");
        notifier.notice(p, null, "Expired", "expired");
        await().atMost(WAIT).until(() -> count("limited", "Expired", "delivered") == 1);
        List<WebhookReceiver.Received> got = receiver.received();
        long pause =
                TimeUnit.NANOSECONDS.toMillis(got.get(1).nanoTime() - got.get(0).nanoTime());
        // the backoff alone would wait 10-20 ms; Retry-After asks for an hour, capped at 300 ms
        assertThat(pause).isGreaterThanOrEqualTo(FAST.maxRetryDelay().toMillis() - 20);
        assertThat(WebhookSender.retryAfter("120")).isEqualTo(Duration.ofMinutes(2));
        assertThat(WebhookSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter("soon")).isNull();
    }

    @Test
    void aClientErrorIsNotRetriedAndFailuresCostALogLineAndAMetric() throws IOException {
        WebhookReceiver gone = receiver().answering(404);
        WebhookReceiver down = receiver().answering(500, 500, 500, 500, 500);
        URI refused;
        try (ServerSocket closed = new ServerSocket(0)) {
            refused = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/hook");
        }
        Notifier notifier = notifier(
                FAST, Webhook.of("gone", gone.url()), Webhook.of("down", down.url()), Webhook.of("refused", refused));
        PreviewDeployment p = ready("team-a", "login");
        notifier.notice(p, seedFailed(p, "login-seed-1", "t"), "SeedFailed", "seed failed");
        await().atMost(WAIT)
                .until(() -> count("gone", "SeedFailed", "failed") == 1
                        && count("down", "SeedFailed", "failed") == 1
                        && count("refused", "SeedFailed", "failed") == 1);
        assertThat(gone.received()).as("a 404 is not retried").hasSize(1);
        assertThat(down.received()).as("5xx: every attempt").hasSize(FAST.maxAttempts());

        // the next notification goes out as usual
        sentinel(notifier, "next");
        awaitSentinel(gone, "next");
        awaitSentinel(down, "next");
    }

    @Test
    void aWebhookThatNeverAnswersDelaysNeitherTheCallerNorAnotherWebhook() {
        WebhookReceiver hanging = receiver().hanging();
        WebhookReceiver fine = receiver();
        Delivery patient = new Delivery(
                1000,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                5,
                Duration.ofMillis(20),
                Duration.ofMillis(300),
                Duration.ofMillis(200),
                10_000);
        Notifier notifier = notifier(patient, Webhook.of("hanging", hanging.url()), Webhook.of("fine", fine.url()));
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            PreviewDeployment p = ready("team-a", "p" + i);
            notifier.notice(p, seedFailed(p, "p" + i + "-seed", "t"), "SeedFailed", "seed failed");
        }
        long queued = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        await().atMost(WAIT).until(() -> fine.received().size() == 50);
        assertThat(hanging.received())
                .as("the hanging webhook holds its first request")
                .hasSize(1);
        assertThat(queued).as("queueing 50 notifications for a hanging webhook").isLessThan(2000);
        assertThat(count("hanging", "SeedFailed", "delivered")).isZero();

        // stopping waits its grace (200 ms), not the 30 s request timeout, and drops what is left
        long stop = System.nanoTime();
        notifier.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stop)).isLessThan(5000);
        assertThat(count("hanging", "SeedFailed", "dropped")).isEqualTo(50);
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() {
        WebhookReceiver receiver = receiver().hanging();
        Delivery small = new Delivery(
                3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                5,
                Duration.ofMillis(20),
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                10_000);
        Notifier notifier = notifier(small, Webhook.of("small", receiver.url()));
        List<String> names = List.of("n1", "n2", "n3", "n4", "n5", "n6");
        notice(notifier, "n1");
        // n1 is under way (held by the receiver): the queue holds three of the five that follow
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        names.subList(1, 6).forEach(name -> notice(notifier, name));
        assertThat(count("small", "SeedFailed", "dropped")).isEqualTo(2);
        receiver.release();
        sentinelAfterRoom(notifier, receiver);
        assertThat(receiver.received().stream()
                        .map(r -> r.body().at("/preview/name").asText()))
                .containsExactly("n1", "n4", "n5", "n6", "last");
    }

    private static void notice(Notifier notifier, String name) {
        PreviewDeployment p = ready("team-a", name);
        notifier.notice(p, seedFailed(p, name + "-seed", "t"), "SeedFailed", "seed failed");
    }

    private static void sentinelAfterRoom(Notifier notifier, WebhookReceiver receiver) {
        await().atMost(WAIT).until(() -> receiver.received().size() == 4);
        sentinel(notifier, "last");
        awaitSentinel(receiver, "last");
    }

    @Test
    void eachWebhookGetsOnlyTheEventsAndNamespacesItSelects() {
        WebhookReceiver everything = receiver();
        WebhookReceiver seedsOfTeamA = receiver();
        Notifier notifier = notifier(
                FAST,
                Webhook.of("everything", everything.url()),
                Webhook.of("seeds-a", seedsOfTeamA.url())
                        .onlyEvents("SeedFailed")
                        .onlyNamespaces("team-a", "sentinels"));
        PreviewDeployment a = ready("team-a", "login");
        PreviewDeployment b = ready("team-b", "login");
        notifier.notice(a, null, "Expired", "expired");
        notifier.notice(a, seedFailed(a, "login-seed", "t"), "SeedFailed", "seed failed");
        notifier.notice(b, seedFailed(b, "login-seed", "t"), "SeedFailed", "seed failed");
        sentinel(notifier, "end");
        awaitSentinel(everything, "end");
        awaitSentinel(seedsOfTeamA, "end");
        assertThat(everything.events()).containsExactly("Expired", "SeedFailed", "SeedFailed", "SeedFailed");
        assertThat(seedsOfTeamA.received().stream()
                        .map(r -> r.event() + " "
                                + r.body().at("/preview/namespace").asText()))
                .containsExactly("SeedFailed team-a", "SeedFailed sentinels");
        assertThat(registry.find("preview.operator.notifications")
                        .tags("webhook", "seeds-a", "event", "Expired")
                        .counters())
                .as("rows only for the events a webhook selects")
                .isEmpty();
    }

    @Test
    void stoppingDeliversWhatIsQueuedWithinTheGrace() {
        WebhookReceiver receiver = receiver();
        Notifier notifier = notifier(FAST, Webhook.of("team", receiver.url()));
        for (int i = 0; i < 5; i++) notice(notifier, "s" + i);
        notifier.close();
        assertThat(receiver.received()).hasSize(5);
        notice(notifier, "after-stop");
        assertThat(count("team", "SeedFailed", "dropped")).isEqualTo(1);
    }

    @Test
    void withoutWebhooksNothingStarts() {
        Notifier none = Notifier.start(NotificationConfig.none(), CLOCK, registry);
        PreviewDeployment p = ready("team-a", "login");
        none.notice(p, null, "Expired", "expired");
        none.close();
        assertThat(none.webhooks()).isEmpty();
        assertThat(registry.getMeters()).isEmpty();
    }
}
