package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.NotificationConfig;
import dev.previews.policy.NotificationConfig.Delivery;
import dev.previews.policy.NotificationConfig.Webhook;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WebhookReceiver;
import dev.previews.testing.WebhookReceiver.Received;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications from the real operator on the mock API: the SeedFailed and Expired Events reach a
 * webhook exactly once, with the documented body, while another webhook that never answers delays
 * neither the reconciles nor the first webhook.
 */
class NotificationsTest {
    /** Retries in milliseconds; the hanging webhook's request would wait 60 s; stopping waits 200 ms. */
    static final Delivery DELIVERY = new Delivery(
            1000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            5,
            Duration.ofMillis(20),
            Duration.ofMillis(300),
            Duration.ofMillis(200),
            10_000);

    private final WebhookReceiver receiver = new WebhookReceiver();
    private final WebhookReceiver hanging = new WebhookReceiver().hanging();
    private final FailNextStatusWrite statusWrites = new FailNextStatusWrite();
    private PreviewCluster cluster;

    @AfterEach
    void stop() {
        try {
            if (cluster != null) cluster.close();
        } finally {
            hanging.close();
            receiver.close();
        }
    }

    private void start() {
        OperatorConfig config = OperatorConfig.defaults()
                .withPlan(new Plan("team", Duration.ofDays(2), 3, ExpiryPolicy.Deprovision))
                .withNotifications(new NotificationConfig(
                        List.of(Webhook.of("hanging", hanging.url()), Webhook.of("team", receiver.url())), DELIVERY));
        cluster = new PreviewCluster(config, statusWrites);
    }

    private List<Received> received(String namespace, String name) {
        return receiver.received().stream()
                .filter(r -> r.body().at("/preview/namespace").asText().equals(namespace)
                        && r.body().at("/preview/name").asText().equals(name))
                .toList();
    }

    private Event event(String namespace, String name, String reason) {
        return cluster.events(namespace, name).stream()
                .filter(e -> reason.equals(e.getReason()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aFailedSeedAndAnExpiryUnderDeleteAreNotifiedOnceWhileAHangingWebhookDelaysNothing() {
        start();
        String ns = "team-a";
        cluster.create(withSeed(preview(ns, "sad", "feature/sad")));
        cluster.makeAvailable(ns, "sad");
        String job = cluster.awaitSeedJob(ns, "sad").getMetadata().getName();
        cluster.simulator().failSeed(ns, job, "ERROR: relation \"orders\" does not exist");
        PreviewDeployment failed = cluster.awaitPreview(ns, "sad", condition("SeedFailed", "True", null));
        await().atMost(PreviewCluster.WAIT).until(() -> received(ns, "sad").size() == 1);
        await().atMost(PreviewCluster.WAIT).until(() -> hanging.received().size() == 1);

        Received seed = received(ns, "sad").get(0);
        assertThat(seed.event()).isEqualTo("SeedFailed");
        assertThat(seed.id()).isEqualTo(seed.body().get("id").asText());
        assertThat(seed.body().get("message").asText())
                .isEqualTo(event(ns, "sad", "SeedFailed").getMessage());
        assertThat(seed.body().get("text").asText())
                .startsWith("Seed of preview team-a/sad (feature/sad @ a1b2c3d) failed: seed Job " + job)
                .endsWith("; the backend stays up at http://sad.team-a.svc.cluster.local");
        assertThat(seed.body().get("time").asText()).isEqualTo(PreviewCluster.START.toString());
        assertThat(seed.body().at("/preview/phase").asText()).isEqualTo("SeedFailed");
        assertThat(seed.body().at("/preview/commit").asText())
                .isEqualTo(failed.getStatus().getCommit());
        assertThat(seed.body().at("/preview/expiresAt").asText())
                .isEqualTo(failed.getStatus().getExpiresAt());

        // the hanging webhook holds the SeedFailed; the operator goes on as if it were not there
        cluster.create(preview(ns, "happy", "feature/happy"));
        cluster.makeAvailable(ns, "happy");
        cluster.awaitPreview(ns, "happy", condition("Ready", "True", null));
        cluster.advance(Duration.ofDays(5));
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.get(ns, "sad") == null && cluster.get(ns, "happy") == null);

        await().atMost(PreviewCluster.WAIT)
                .until(() ->
                        received(ns, "sad").size() == 2 && received(ns, "happy").size() == 1);
        assertThat(received(ns, "sad")).extracting(Received::event).containsExactly("SeedFailed", "Expired");
        Received expired = received(ns, "happy").get(0);
        assertThat(expired.event()).isEqualTo("Expired");
        assertThat(expired.body().at("/preview/phase").asText()).isEqualTo("Expired");
        assertThat(expired.body().get("text").asText())
                .isEqualTo("Preview team-a/happy (feature/happy @ a1b2c3d) expired at "
                        + PreviewCluster.START.plus(Duration.ofDays(5)) + " and was deleted");
        assertThat(receiver.ids()).doesNotHaveDuplicates();
        assertThat(hanging.received()).as("still on its first request").hasSize(1);
    }

    @Test
    void anExpiryComputedTwiceIsNotifiedOnceAndTheNextExpiryAgain() {
        start();
        String ns = "gitops";
        cluster.namespace(ns, "team");
        cluster.create(preview(ns, "kept", "feature/kept"));
        cluster.makeAvailable(ns, "kept");
        String firstExpiry = cluster.awaitPreview(ns, "kept", condition("Ready", "True", null))
                .getStatus()
                .getExpiresAt();

        // the status write of the expiry fails: the next reconcile makes the same transition again
        statusWrites.failNext("/apis/previews.dev/v1alpha1/namespaces/gitops/previewdeployments/kept/status");
        cluster.advance(Duration.ofDays(2));
        PreviewDeployment expired =
                cluster.awaitPreview(ns, "kept", p -> p.getStatus().getPhase() == Phase.Expired);
        assertThat(statusWrites.failed()).isTrue();
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() -> assertThat(
                                cluster.events(ns, "kept").stream().filter(e -> "Expired".equals(e.getReason())))
                        .as("the transition was computed and recorded twice: one Event, counted twice")
                        .singleElement()
                        .satisfies(e -> assertThat(e.getCount()).isEqualTo(2)));

        // a new commit provisions it again, and its next expiry is another notification
        cluster.edit(ns, "kept", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        cluster.makeAvailable(ns, "kept");
        cluster.awaitPreview(ns, "kept", condition("Ready", "True", null));
        cluster.advance(Duration.ofDays(2));
        cluster.awaitPreview(
                ns,
                "kept",
                p -> p.getStatus().getPhase() == Phase.Expired
                        && "b2c3d4e".equals(p.getStatus().getShortCommit()));

        await().atMost(PreviewCluster.WAIT).until(() -> received(ns, "kept").size() == 2);
        List<Received> got = received(ns, "kept");
        assertThat(got).extracting(Received::event).containsExactly("Expired", "Expired");
        assertThat(got.get(0).id()).isNotEqualTo(got.get(1).id());
        assertThat(got.get(0).body().at("/preview/expiresAt").asText()).isEqualTo(firstExpiry);
        assertThat(got.get(0).body().at("/preview/phase").asText()).isEqualTo("Expired");
        assertThat(got.get(0).body().at("/preview/url").isNull()).isTrue();
        assertThat(got.get(0).body().get("text").asText())
                .isEqualTo("Preview gitops/kept (feature/kept @ a1b2c3d) expired at " + firstExpiry
                        + ": its workloads were deleted; push a new commit to provision it again");
        assertThat(got.get(1).body().at("/preview/commit").asText()).isEqualTo(COMMIT_B);
        assertThat(expired.getStatus().getExpiresAt()).isEqualTo(firstExpiry);
    }

    /** Sends the operator's next PATCH of one path to a preview that does not exist: the write fails with 404. */
    static final class FailNextStatusWrite implements Interceptor {
        private volatile String path;
        private volatile boolean failed;

        void failNext(String path) {
            this.path = path;
        }

        boolean failed() {
            return failed;
        }

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String p = path;
            if (p != null
                    && request.method().equals("PATCH")
                    && request.uri().getPath().equals(p)) {
                path = null;
                failed = true;
                builder.uri(URI.create(request.uri().toString().replace("/kept/status", "/no-such-preview/status")));
            }
        }
    }
}
