package dev.previews.lifecycle;

import static dev.previews.lifecycle.Scene.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.ActivityStatus;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.SeedStatus;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Extend, warn, sleep and wake (DESIGN.md behaviour 7), decided from the scene alone. */
class LivingWithPreviewsTest {
    static final Duration H = Duration.ofHours(1);

    /** A Ready preview of plan "living" (ttl 2d, maxTtl 5d, warnBefore 1d, sleepAfter 12h), at {@code at}. */
    static Scene living(Instant at) {
        return Scene.ready().plan("living").at(at);
    }

    static Scene annotated(Scene scene, String key, String value) {
        return scene.edit(p -> {
            p.getMetadata()
                    .setAnnotations(new HashMap<>(
                            p.getMetadata().getAnnotations() == null
                                    ? Map.of()
                                    : p.getMetadata().getAnnotations()));
            p.getMetadata().getAnnotations().put(key, value);
        });
    }

    @Test
    void specTtlExtendsUpToMaxTtl_andLongerIsCapped() {
        Decision extended =
                living(T0.plus(H)).edit(p -> p.getSpec().setTtl("4d")).decide();
        assertThat(extended.status().getExpiresAt())
                .isEqualTo(T0.plus(Duration.ofDays(4)).toString());
        assertThat(extended.notices()).isEmpty();

        Decision capped = living(T0.plus(H)).edit(p -> p.getSpec().setTtl("9d")).decide();
        assertThat(capped.status().getExpiresAt())
                .isEqualTo(T0.plus(Duration.ofDays(5)).toString());
        assertThat(capped.notices()).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo("TtlCapped");
            assertThat(n.message()).contains("the preview lives 5d");
        });
    }

    @Test
    void expiringFromWarnBefore_withHowToExtend_andAnExtensionClearsIt() {
        Decision early = living(T0.plus(H)).decide();
        assertThat(early.status().reason("Expiring")).isEqualTo("ExpiresLater");
        assertThat(early.wakeAt()).as("falling asleep comes first").isEqualTo(T0.plus(Duration.ofHours(12)));
        Decision asleep = living(T0.plus(Duration.ofHours(13))).decide();
        assertThat(asleep.wakeAt()).as("the warning's time").isEqualTo(T0.plus(Duration.ofDays(1)));

        Decision warned = living(T0.plus(Duration.ofDays(1)))
                .status(s -> s.setActivity(
                        new ActivityStatus(T0.plus(Duration.ofHours(20)).toString(), null, null, null)))
                .decide();
        assertThat(warned.status().isTrue("Expiring")).isTrue();
        assertThat(warned.status().reason("Expiring")).isEqualTo("ExpiresSoon");
        assertThat(warned.status().condition("Expiring").orElseThrow().getMessage())
                .contains("expires at 2026-11-04T09:00:00Z")
                .contains("preview extend shop --by 1d");
        assertThat(warned.status().isTrue("Ready")).as("still Ready").isTrue();

        Decision extended = living(T0.plus(Duration.ofDays(1)))
                .edit(p -> p.getSpec().setTtl("4d"))
                .decide();
        assertThat(extended.status().isTrue("Expiring")).isFalse();

        Decision atMost = living(T0.plus(Duration.ofDays(4).plusHours(1)))
                .edit(p -> p.getSpec().setTtl("5d"))
                .decide();
        assertThat(atMost.status().condition("Expiring").orElseThrow().getMessage())
                .contains("cannot be extended further");
    }

    @Test
    void afterSleepAfterWithoutActivityTheBackendSleeps_keepingItsUrlAndSlot() {
        Decision awake = living(T0.plus(Duration.ofHours(11))).decide();
        assertThat(awake.status().getPhase()).isEqualTo(Phase.Ready);
        assertThat(awake.wakeAt()).as("when it falls asleep").isEqualTo(T0.plus(Duration.ofHours(12)));

        Decision asleep = living(T0.plus(Duration.ofHours(13))).decide();
        assertThat(asleep.status().getPhase()).isEqualTo(Phase.Asleep);
        assertThat(asleep.status().reason("Provisioned")).isEqualTo("Asleep");
        assertThat(asleep.status().reason("Ready")).isEqualTo("Asleep");
        assertThat(asleep.status().getSleepingSince())
                .isEqualTo(T0.plus(Duration.ofHours(12)).toString());
        assertThat(asleep.status().getUrl()).isNotNull();
        assertThat(asleep.holdsSlot()).isTrue();
        assertThat(asleep.actions()).extracting(LifecycleTableTest::describe).contains("Update Deployment shop");
        Decision.Update scaleDown = (Decision.Update) asleep.actions().stream()
                .filter(a -> a instanceof Decision.Update)
                .findFirst()
                .orElseThrow();
        assertThat(((Deployment) scaleDown.desired()).getSpec().getReplicas()).isZero();
        assertThat(asleep.wakeAt()).as("the TTL keeps running").isEqualTo(T0.plus(Duration.ofDays(1)));
    }

    @Test
    void aWakeBringsTheBackendBackWithoutSeedingAgain() {
        Scene seeded = living(T0.plus(Duration.ofHours(13))).status(s -> {
            SeedStatus seed = new SeedStatus(
                    "shop-seed-a1b2c3d-abcdef",
                    T0.toString(),
                    T0.plusSeconds(60).toString(),
                    "seed Job shop-seed-a1b2c3d-abcdef succeeded");
            seed.setFingerprint("whatever-it-was");
            s.setSeed(seed);
        });
        Decision asleep = seeded.decide();
        assertThat(asleep.status().getPhase()).isEqualTo(Phase.Asleep);

        Scene slept = seeded.status(s -> {
            s.setActivity(asleep.status().getActivity());
            s.setSleepingSince(asleep.status().getSleepingSince());
            s.setPhase(Phase.Asleep);
        });
        Decision woken =
                annotated(slept, PreviewDeployment.WAKE_ANNOTATION, "1").decide();

        assertThat(woken.status().getSleepingSince()).isNull();
        assertThat(woken.status().getActivity().getAt()).isEqualTo(slept.now.toString());
        assertThat(woken.actions()).extracting(LifecycleTableTest::describe).doesNotContain("Create Job");
        assertThat(woken.wakeAt())
                .isEqualTo(
                        slept.now.plus(Duration.ofHours(12)).isBefore(T0.plus(Duration.ofDays(1)))
                                ? slept.now.plus(Duration.ofHours(12))
                                : T0.plus(Duration.ofDays(1)));
    }

    @Test
    void noSleepWhileTheSeedRuns() {
        Scene seeding = living(T0.plus(Duration.ofHours(13)))
                .edit(Previews::withSeed)
                .children(Observed.Children.of(
                        Scene.ready().deployment(),
                        Scene.ready().service(),
                        null,
                        List.of(new JobBuilder()
                                .withNewMetadata()
                                .withName("shop-seed-running")
                                .endMetadata()
                                .build())));
        assertThat(seeding.decide().status().getSleepingSince()).isNull();
    }

    @Test
    void outsideAwakeHoursTheBackendSleeps_andTheNextHoursWakeIt() {
        Instant friday = Instant.parse("2026-11-06T19:00:00Z");
        Scene office =
                Scene.ready().plan("office").status(s -> s.setExpiresAt(null)).at(friday);
        Decision evening = office.decide();
        assertThat(evening.status().getPhase()).isEqualTo(Phase.Ready);
        assertThat(evening.wakeAt()).as("the end of the hours").isEqualTo(Instant.parse("2026-11-06T20:00:00Z"));

        Decision weekend = office.at(Instant.parse("2026-11-07T10:00:00Z")).decide();
        assertThat(weekend.status().getPhase()).isEqualTo(Phase.Asleep);
        assertThat(weekend.status().condition("Provisioned").orElseThrow().getMessage())
                .contains("awake hours");
        assertThat(weekend.wakeAt()).as("the start of the next hours").isEqualTo(Instant.parse("2026-11-09T07:00:00Z"));

        Decision monday = office.at(Instant.parse("2026-11-09T07:00:00Z")).decide();
        assertThat(monday.status().getSleepingSince()).isNull();

        Decision wokenOnSaturday = annotated(
                        office.at(Instant.parse("2026-11-07T10:00:00Z")), PreviewDeployment.WAKE_ANNOTATION, "x")
                .status(s -> s.setActivity(new ActivityStatus(T0.toString(), null, null, null)))
                .decide();
        assertThat(wokenOnSaturday.status().getSleepingSince())
                .as("woken by hand outside the hours")
                .isNull();
    }

    @Test
    void aWakeRevivesAnExpiredPreviewAsANewDeployment() {
        Scene expired = living(T0.plus(Scene.TTL).plusSeconds(60))
                .status(s -> {
                    s.setPhase(Phase.Expired);
                    s.setActivity(new ActivityStatus(T0.toString(), null, null, null));
                })
                .children(Observed.Children.NONE);
        assertThat(expired.decide().status().getPhase()).isEqualTo(Phase.Expired);

        Decision woken =
                annotated(expired, PreviewDeployment.WAKE_ANNOTATION, "now").decide();
        assertThat(woken.status().getPhase()).isEqualTo(Phase.Provisioning);
        assertThat(woken.status().getCreatedAt()).isEqualTo(expired.now.toString());
    }
}
