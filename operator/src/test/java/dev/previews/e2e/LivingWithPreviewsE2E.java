package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.SLEEPY;
import static dev.previews.e2e.E2EEnvironment.WARNED;
import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the real API server and clock: a preview sleeps after its plan's sleepAfter (20 s) without
 * activity (its Deployment at zero replicas, its Service kept), and wakes by annotation without
 * seeding again and by a new commit with a seed; a preview is warned before its expiry (30 s), and
 * an extension of its spec.ttl moves expiresAt, capped at the plan's maxTtl.
 */
@EndToEnd
class LivingWithPreviewsE2E {
    static final Duration SLEEP_BOUND = SLEEPY.sleepAfter().plusSeconds(40);

    @Test
    void sleepsWithoutActivity_wakesByAnnotationWithoutASeed_andByANewCommitWithOne(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("sleepy", SLEEPY)) {
            ns.create(Previews.withSeed(Previews.preview(ns.name(), "dozy", "feature/dozy")));
            ns.awaitPreview("dozy", ready());
            String url = ns.get("dozy").getStatus().getUrl();

            PreviewDeployment asleep = ns.awaitPreview("dozy", SLEEP_BOUND, phase(Phase.Asleep));
            condition("Ready", "False", "Asleep").accept(asleep);
            assertThat(asleep.getStatus().getUrl()).isEqualTo(url);
            assertThat(asleep.getStatus().getSleepingSince()).isNotNull();
            ns.awaitPreview(
                    "dozy",
                    p -> assertThat(ns.deployment("dozy").getSpec().getReplicas())
                            .isZero());
            assertThat(ns.service("dozy")).isNotNull();
            ns.awaitPreview("dozy", p -> assertThat(ns.eventReasons("dozy")).contains("Normal Asleep"));

            ns.preview("dozy").edit(p -> {
                Map<String, String> annotations = new HashMap<>(
                        p.getMetadata().getAnnotations() == null
                                ? Map.of()
                                : p.getMetadata().getAnnotations());
                annotations.put(PreviewDeployment.WAKE_ANNOTATION, Instant.now().toString());
                p.getMetadata().setAnnotations(annotations);
                return p;
            });
            ns.awaitPreview("dozy", ready());
            assertThat(ns.deployment("dozy").getSpec().getReplicas()).isEqualTo(1);
            assertThat(ns.jobs("dozy")).as("woken without a second seed").hasSize(1);
            ns.awaitPreview("dozy", p -> assertThat(ns.eventReasons("dozy")).contains("Normal Awake"));

            ns.awaitPreview("dozy", SLEEP_BOUND, phase(Phase.Asleep));
            ns.preview("dozy").edit(p -> {
                p.getSpec().setCommit(Previews.COMMIT_B);
                return p;
            });
            PreviewDeployment pushed = ns.awaitPreview("dozy", p -> {
                ready().accept(p);
                assertThat(p.getStatus().getCommit()).isEqualTo(Previews.COMMIT_B);
            });
            assertThat(pushed.getStatus().getSeed().getJobName()).contains(Previews.COMMIT_B.substring(0, 7));
        }
    }

    @Test
    void warnedBeforeItsExpiry_andAnExtensionMovesIt_cappedAtMaxTtl(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("warned", WARNED)) {
            ns.create(Previews.preview(ns.name(), "brief", "feature/brief"));
            PreviewDeployment ready = ns.awaitPreview("brief", ready());
            Instant created = Instant.parse(ready.getStatus().getCreatedAt());
            Instant expires = Instant.parse(ready.getStatus().getExpiresAt());
            assertThat(expires).isEqualTo(created.plus(WARNED.ttl()));

            PreviewDeployment warned = ns.awaitPreview("brief", condition("Expiring", "True", "ExpiresSoon"));
            assertThat(Instant.now()).isBefore(expires);
            assertThat(Expect.message(warned, "Expiring"))
                    .contains("expires at " + expires)
                    .contains("preview extend brief");
            ns.awaitPreview("brief", p -> assertThat(ns.eventReasons("brief")).contains("Normal ExpiresSoon"));

            ns.preview("brief").edit(p -> {
                p.getSpec().setTtl("1m");
                return p;
            });
            PreviewDeployment extended = ns.awaitPreview("brief", condition("Expiring", "False", "ExpiresLater"));
            assertThat(extended.getStatus().getExpiresAt())
                    .isEqualTo(created.plus(Duration.ofMinutes(1)).toString());
            ns.preview("brief").edit(p -> {
                p.getSpec().setTtl("5m");
                return p;
            });
            ns.awaitPreview(
                    "brief",
                    p -> assertThat(p.getStatus().getExpiresAt())
                            .isEqualTo(created.plus(WARNED.maxTtl()).toString()));
            ns.awaitPreview("brief", p -> assertThat(ns.eventReasons("brief")).contains("Warning TtlCapped"));
        }
    }
}
