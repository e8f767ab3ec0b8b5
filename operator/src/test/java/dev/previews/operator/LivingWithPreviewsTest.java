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
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Extend, warn, sleep and wake through the real operator on the CRUD mock, days passing on the
 * manual clock: a preview sleeps after its plan's sleepAfter without activity (scaled to zero, URL
 * and slot kept), wakes by annotation without seeding again, and by a new commit with a seed; it is
 * warned of its expiry, and an extension clears the warning, capped at the plan's maxTtl.
 */
class LivingWithPreviewsTest {
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("living", Duration.ofDays(2), 10, ExpiryPolicy.Deprovision)
                    .withMaxTtl(Duration.ofDays(4))
                    .withWarnBefore(Duration.ofDays(1))
                    .withSleepAfter(Duration.ofHours(12)))
            .withPlan(new Plan("warning", Duration.ofDays(2), 10, ExpiryPolicy.Deprovision)
                    .withMaxTtl(Duration.ofDays(4))
                    .withWarnBefore(Duration.ofDays(1)));

    final PreviewCluster cluster = new PreviewCluster(CONFIG);

    @AfterEach
    void stop() {
        cluster.close();
    }

    void namespace(String name) {
        cluster.namespace(name, "living");
    }

    PreviewDeployment seededAndReady(String ns, String name) {
        cluster.create(withSeed(preview(ns, name, "feature/" + name)));
        cluster.makeAvailable(ns, name);
        cluster.simulator()
                .succeedSeed(ns, cluster.awaitSeedJob(ns, name).getMetadata().getName());
        return cluster.awaitPreview(ns, name, condition("Ready", "True", null));
    }

    void annotate(String ns, String name, String key, String value) {
        cluster.edit(ns, name, p -> {
            p.getMetadata()
                    .setAnnotations(new HashMap<>(
                            p.getMetadata().getAnnotations() == null
                                    ? Map.of()
                                    : p.getMetadata().getAnnotations()));
            p.getMetadata().getAnnotations().put(key, value);
            return p;
        });
    }

    @Test
    void sleepsAfterSleepAfter_wakesByAnnotationWithoutSeeding_andByANewCommitWithASeed() {
        namespace("sleepy");
        seededAndReady("sleepy", "shop");
        String url = cluster.get("sleepy", "shop").getStatus().getUrl();

        cluster.advance(Duration.ofHours(13));
        PreviewDeployment asleep =
                cluster.awaitPreview("sleepy", "shop", p -> p.getStatus().getPhase() == Phase.Asleep);
        assertThat(asleep.getStatus().reason("Ready")).isEqualTo("Asleep");
        assertThat(asleep.getStatus().getSleepingSince()).isNotNull();
        assertThat(asleep.getStatus().getUrl()).isEqualTo(url);
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment("sleepy", "shop").getSpec().getReplicas() == 0);
        assertThat(cluster.service("sleepy", "shop")).as("the URL stays").isNotNull();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons("sleepy", "shop").contains("Asleep"));

        annotate("sleepy", "shop", PreviewDeployment.WAKE_ANNOTATION, "1");
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment("sleepy", "shop").getSpec().getReplicas() == 1);
        cluster.makeAvailable("sleepy", "shop");
        PreviewDeployment awake = cluster.awaitPreview("sleepy", "shop", condition("Ready", "True", null));
        assertThat(awake.getStatus().getSleepingSince()).isNull();
        assertThat(cluster.seedJobs("sleepy", "shop")).as("no seed again").hasSize(1);
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons("sleepy", "shop").contains("Awake"));

        cluster.advance(Duration.ofHours(13));
        cluster.awaitPreview("sleepy", "shop", p -> p.getStatus().getPhase() == Phase.Asleep);
        cluster.edit("sleepy", "shop", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        cluster.awaitPreview(
                "sleepy", "shop", p -> COMMIT_B.equals(p.getStatus().getCommit()));
        cluster.makeAvailable("sleepy", "shop");
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.seedJobs("sleepy", "shop").stream()
                        .anyMatch(
                                j -> COMMIT_B.equals(j.getMetadata().getLabels().get("previews.dev/commit"))));
    }

    @Test
    void warnedBeforeExpiry_andAnExtensionClearsIt_cappedAtMaxTtl() {
        cluster.namespace("warned", "warning");
        Instant created = cluster.clock().instant();
        seededAndReady("warned", "api");

        cluster.advance(Duration.ofDays(1).plusMinutes(1));
        PreviewDeployment warned = cluster.awaitPreview("warned", "api", condition("Expiring", "True", "ExpiresSoon"));
        assertThat(warned.getStatus().condition("Expiring").orElseThrow().getMessage())
                .contains("expires at " + created.plus(Duration.ofDays(2)))
                .contains("preview extend api --by 1d");
        assertThat(warned.getStatus().isTrue("Ready")).isTrue();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons("warned", "api").stream()
                                .filter("ExpiresSoon"::equals)
                                .count()
                        == 1);

        cluster.edit("warned", "api", p -> {
            p.getSpec().setTtl("3d");
            return p;
        });
        PreviewDeployment extended = cluster.awaitPreview("warned", "api", condition("Expiring", "False", null));
        assertThat(extended.getStatus().getExpiresAt())
                .isEqualTo(created.plus(Duration.ofDays(3)).toString());

        cluster.edit("warned", "api", p -> {
            p.getSpec().setTtl("9d");
            return p;
        });
        PreviewDeployment capped = cluster.awaitPreview(
                "warned",
                "api",
                p -> created.plus(Duration.ofDays(4))
                        .toString()
                        .equals(p.getStatus().getExpiresAt()));
        assertThat(capped.getStatus().getPhase()).isEqualTo(Phase.Ready);
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons("warned", "api").contains("TtlCapped"));
    }
}
