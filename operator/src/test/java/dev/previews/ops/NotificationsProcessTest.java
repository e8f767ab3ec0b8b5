package dev.previews.ops;

import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.NotificationConfig;
import dev.previews.policy.NotificationConfig.Delivery;
import dev.previews.policy.NotificationConfig.Webhook;
import dev.previews.policy.OperatorConfig;
import dev.previews.simulator.ManualClock;
import dev.previews.simulator.MockApi;
import dev.previews.simulator.WorkloadSimulator;
import dev.previews.testing.WebhookReceiver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications in the operator process: their metrics on /metrics, and a start refused for a missing URL. */
class NotificationsProcessTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theMetricsCountEachWebhooksNotificationsByEventAndOutcome() {
        KubernetesMockServer server = MockApi.start(0);
        KubernetesClient client = server.createClient();
        MockApi.installCrd(server, client);
        WorkloadSimulator simulator = new WorkloadSimulator(client, Duration.ZERO);
        Delivery quick = new Delivery(
                1000,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                2,
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                10_000);
        try (WebhookReceiver team = new WebhookReceiver();
                WebhookReceiver broken = new WebhookReceiver().answering(500, 500)) {
            OperatorConfig config = OperatorConfig.defaults()
                    .withNotifications(new NotificationConfig(
                            List.of(
                                    Webhook.of("team", team.url()),
                                    Webhook.of("broken", broken.url()).onlyEvents("SeedFailed")),
                            quick));
            try (OperatorProcess process = OperatorProcess.start(
                    client,
                    config,
                    new ManualClock(Instant.parse("2026-11-02T09:00:00Z")),
                    ProcessOptions.defaults().withManagementPort(0))) {
                PrometheusText before = PrometheusText.parse(process.registry().scrape());
                assertThat(before.value(
                                "preview_operator_notifications_total",
                                "webhook",
                                "team",
                                "event",
                                "ExpiresSoon",
                                "outcome",
                                "dropped"))
                        .as("a row for every webhook, event it selects and outcome, from the start")
                        .hasValue(0);
                assertThat(before.value(
                                "preview_operator_notifications_total", "webhook", "broken", "event", "Expired"))
                        .isEmpty();
                assertThat(before.value("preview_operator_notification_queue", "webhook", "team"))
                        .hasValue(0);

                client.resource(withSeed(preview("team-a", "sad", "feature/sad")))
                        .create();
                await().atMost(WAIT)
                        .until(() -> client.apps()
                                        .deployments()
                                        .inNamespace("team-a")
                                        .withName("sad")
                                        .get()
                                != null);
                simulator.markAvailable("team-a", "sad");
                await().atMost(WAIT)
                        .until(() -> !client.batch()
                                .v1()
                                .jobs()
                                .inNamespace("team-a")
                                .list()
                                .getItems()
                                .isEmpty());
                String job = client.batch()
                        .v1()
                        .jobs()
                        .inNamespace("team-a")
                        .list()
                        .getItems()
                        .get(0)
                        .getMetadata()
                        .getName();
                simulator.failSeed("team-a", job, "no fixtures");
                await().atMost(WAIT).until(() -> {
                    PrometheusText m = PrometheusText.parse(process.registry().scrape());
                    return m.value(
                                                    "preview_operator_notifications_total",
                                                    "webhook",
                                                    "team",
                                                    "event",
                                                    "SeedFailed",
                                                    "outcome",
                                                    "delivered")
                                            .orElse(0)
                                    == 1
                            && m.value(
                                                    "preview_operator_notifications_total",
                                                    "webhook",
                                                    "broken",
                                                    "event",
                                                    "SeedFailed",
                                                    "outcome",
                                                    "failed")
                                            .orElse(0)
                                    == 1;
                });
                PrometheusText after = PrometheusText.parse(process.registry().scrape());
                assertThat(after.value("preview_operator_notification_delivery_seconds_count", "webhook", "team"))
                        .hasValue(1);
                assertThat(after.value(
                                "preview_operator_notification_delivery_seconds_bucket",
                                "webhook",
                                "team",
                                "le",
                                "+Inf"))
                        .hasValue(1);
                assertThat(team.events()).containsExactly("SeedFailed");
                assertThat(broken.received()).hasSize(2);
            }
        } finally {
            simulator.close();
            client.close();
            server.destroy();
        }
    }

    @Test
    void aWebhookWhoseUrlIsMissingStopsTheOperatorAtStartWithOneLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                notifications:
                  webhooks:
                    - name: team-slack
                      urlFrom: {env: PREVIEW_OPERATOR_TEST_WEBHOOK_URL_NOT_SET}
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("run", "--config", config.toString());
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("preview-operator: bad configuration: " + config
                        + ": notifications.webhooks[0].urlFrom.env: environment variable"
                        + " PREVIEW_OPERATOR_TEST_WEBHOOK_URL_NOT_SET is not set");
    }
}
