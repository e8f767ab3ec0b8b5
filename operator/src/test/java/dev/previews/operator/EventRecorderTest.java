package dev.previews.operator;

import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.simulator.ManualClock;
import dev.previews.simulator.MockApi;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.Interceptor.RequestTags;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events are recorded off the reconcile: {@link EventRecorder#record} queues and returns, whatever the
 * API server does; the same Event again within the window is one Event with a count (as client-go's
 * EventCorrelator makes it); a storm on one object is held to a burst and then one write a minute; and
 * what is queued when the operator stops is written.
 */
class EventRecorderTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String NS = "events";

    KubernetesMockServer server;
    KubernetesClient client;
    ManualClock clock;
    EventRecorder recorder;

    @BeforeEach
    void start() {
        server = MockApi.start(0);
        client = server.createClient();
        clock = new ManualClock(Instant.parse("2026-11-02T09:00:00Z"));
    }

    @AfterEach
    void stop() {
        if (recorder != null) recorder.close();
        client.close();
        server.destroy();
    }

    @Test
    void theSameEventAgainIsOneEventWithACount() {
        recorder = new EventRecorder(client, clock);
        PreviewDeployment shop = known(preview(NS, "shop", "feature/shop"));
        for (int i = 0; i < 5; i++) {
            recorder.record(shop, EventRecorder.Type.Normal, "Asleep", "scaled to zero after 2h without activity");
            clock.advance(Duration.ofSeconds(30));
        }

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("shop")).singleElement().satisfies(e -> {
                    assertThat(e.getCount()).isEqualTo(5);
                    assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-02T09:00:00Z");
                    assertThat(e.getLastTimestamp()).isEqualTo("2026-11-02T09:02:00Z");
                }));
    }

    @Test
    void theSameEventAfterTheWindowIsANewEvent() {
        recorder = new EventRecorder(client, clock);
        PreviewDeployment shop = known(preview(NS, "shop", "feature/shop"));
        recorder.record(shop, EventRecorder.Type.Normal, "Asleep", "scaled to zero");
        clock.advance(EventCorrelator.WINDOW.plusSeconds(1));
        recorder.record(shop, EventRecorder.Type.Normal, "Asleep", "scaled to zero");

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("shop"))
                        .hasSize(2)
                        .allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1)));
    }

    @Test
    void aStormOnOnePreviewIsHeldToABurstAndThenOneEventAMinute() {
        recorder = new EventRecorder(client, clock);
        PreviewDeployment storm = known(preview(NS, "storm", "feature/storm"));
        PreviewDeployment calm = sameWriterAs(storm, preview(NS, "calm", "feature/calm"));
        for (int i = 0; i < 100; i++) {
            recorder.record(storm, EventRecorder.Type.Warning, "SeedFailed", "seed Job storm-seed-" + i + " failed");
        }
        // one writer writes both previews' Events, in the order they were recorded: once calm's is there,
        // the storm's were handled
        recorder.record(calm, EventRecorder.Type.Normal, "Provisioned", "first");
        await().atMost(WAIT).until(() -> events("calm").size() == 1);
        assertThat(events("storm")).hasSize(EventCorrelator.BURST);

        clock.advance(Duration.ofSeconds(59));
        recorder.record(storm, EventRecorder.Type.Warning, "SeedFailed", "seed Job storm-seed-100 failed");
        clock.advance(Duration.ofSeconds(1));
        recorder.record(storm, EventRecorder.Type.Warning, "SeedFailed", "seed Job storm-seed-101 failed");
        recorder.record(storm, EventRecorder.Type.Warning, "SeedFailed", "seed Job storm-seed-102 failed");
        recorder.record(calm, EventRecorder.Type.Normal, "Provisioned", "second");
        await().atMost(WAIT).until(() -> events("calm").size() == 2);
        assertThat(events("storm"))
                .hasSize(EventCorrelator.BURST + 1)
                .anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("seed Job storm-seed-101 failed"));
    }

    @Test
    void repeatsHeldBackByTheRateLimitAreCountedOnTheNextWrite() {
        recorder = new EventRecorder(client, clock);
        PreviewDeployment storm = known(preview(NS, "storm", "feature/storm"));
        for (int i = 0; i < EventCorrelator.BURST + 10; i++) {
            recorder.record(storm, EventRecorder.Type.Warning, "InvalidSpec", "spec.backend.image: not an image");
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("storm"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.getCount()).isEqualTo(EventCorrelator.BURST)));

        clock.advance(Duration.ofMinutes(1));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("storm"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.getCount()).isEqualTo(EventCorrelator.BURST + 10)));
    }

    @Test
    void recordingNeverWaitsForTheApiServer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Interceptor holdEvents = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (request.uri().getPath().endsWith("/events") && "POST".equals(request.method())) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (KubernetesClient slow = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("hold-events", holdEvents))
                .build()) {
            recorder = new EventRecorder(slow, clock);
            PreviewDeployment shop = known(preview(NS, "shop", "feature/shop"));
            CompletableFuture<Void> recording = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3; i++) {
                    recorder.record(shop, EventRecorder.Type.Normal, "Provisioned", "backend " + i + " is available");
                }
            });
            try {
                await().atMost(WAIT).until(recording::isDone);
            } finally {
                release.countDown();
            }
            await().atMost(WAIT).until(() -> events("shop").size() == 3);
            recorder.close();
            recorder = null;
        }
    }

    @Test
    void whatIsQueuedWhenTheRecorderStopsIsWritten() {
        CountDownLatch release = new CountDownLatch(1);
        Interceptor holdFirst = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (request.uri().getPath().endsWith("/events") && "POST".equals(request.method())) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (KubernetesClient slow = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("hold-events", holdFirst))
                .build()) {
            recorder = new EventRecorder(slow, clock);
            for (int i = 0; i < 10; i++) {
                recorder.record(
                        known(preview(NS, "p-" + i, "feature/p-" + i)), EventRecorder.Type.Normal, "Seeded", "done");
            }
            release.countDown();
            recorder.close();
            recorder = null;
            List<Event> all = client.v1().events().inNamespace(NS).list().getItems();
            assertThat(all).hasSize(10);
        }
    }

    private List<Event> events(String preview) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> preview.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    /** A preview (with a uid) whose Events the same writer writes as those of {@code other}. */
    private static PreviewDeployment sameWriterAs(PreviewDeployment other, PreviewDeployment p) {
        int lane = EventRecorder.lane(subject(other));
        do {
            known(p);
        } while (EventRecorder.lane(subject(p)) != lane);
        return p;
    }

    private static EventOccurrence.Subject subject(PreviewDeployment p) {
        return new EventOccurrence.Subject(
                p.getMetadata().getNamespace(),
                p.getMetadata().getName(),
                p.getMetadata().getUid());
    }

    /** A preview as the operator knows it from its cache: with a uid and a resourceVersion. */
    private static PreviewDeployment known(PreviewDeployment p) {
        p.getMetadata().setUid(UUID.randomUUID().toString());
        p.getMetadata().setResourceVersion("1");
        return p;
    }
}
