package dev.previews.lifecycle;

import static dev.previews.lifecycle.Scene.T0;
import static dev.previews.lifecycle.Scene.TTL;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.COMMIT_C;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.Rollover;
import dev.previews.api.RolloverPhase;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A BlueGreen rollover decided step by step: each step of the sequence and each way it can fail, from
 * what is observed to the status, the actions and the Events. Nothing runs; {@link Scene#apply} plays
 * the API server, the scene's other methods the Deployment and Job controllers.
 */
class BlueGreenTest {
    static final String A = "shop-" + PreviewNames.shortCommit(COMMIT_A);
    static final String B = "shop-" + PreviewNames.shortCommit(COMMIT_B);
    static final String C = "shop-" + PreviewNames.shortCommit(COMMIT_C);
    static final Instant PUSH = T0.plus(Duration.ofHours(3));

    /** A preview on the BlueGreen plan, provisioned and seeded at commit A by the same decisions. */
    static Scene servingA() {
        return servingA("blue");
    }

    static Scene servingA(String plan) {
        Scene s = Scene.created().edit(Previews::withSeed).plan(plan);
        s = s.apply(s.decide());
        s = s.available(A);
        s = s.apply(s.decide());
        s = s.seedFinished(COMMIT_A, true);
        s = s.apply(s.decide());
        assertThat(s.preview.getStatus().getPhase()).isEqualTo(Phase.Ready);
        return s.at(PUSH);
    }

    static Scene push(Scene s, String commit) {
        return s.edit(p -> p.getSpec().setCommit(commit));
    }

    @Test
    void theFirstCommitIsAPlainProvision_ofADeploymentNamedAfterItsCommit() {
        Scene s = Scene.created().plan("blue");
        Decision d = s.decide();

        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .containsExactly("Create Deployment " + A, "Create Service shop");
        Deployment deployment = (Deployment) ((Decision.Create) d.actions().get(0)).desired();
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .as("a BlueGreen Deployment selects its own commit's pods only")
                .containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_A);
        Service service = (Service) ((Decision.Create) d.actions().get(1)).desired();
        assertThat(service.getSpec().getSelector()).containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_A);
        assertThat(d.status().getNext()).isNull();
        assertThat(d.status().condition("RolledOver")).isEmpty();
    }

    @Test
    void aPushStartsTheNewBackendBeside_theOldServesAndStaysReady() {
        Scene pushed = push(servingA(), COMMIT_B);
        Decision d = pushed.decide();

        PreviewDeploymentStatus status = d.status();
        assertThat(status.getCommit()).as("the serving commit").isEqualTo(COMMIT_A);
        assertThat(status.getPhase()).isEqualTo(Phase.Ready);
        assertThat(status.reason("Ready")).isEqualTo("Ready");
        assertThat(status.getCreatedAt()).as("the TTL runs on until the switch").isEqualTo(T0.toString());
        assertThat(status.getNext().getCommit()).isEqualTo(COMMIT_B);
        assertThat(status.getNext().getPhase()).isEqualTo(RolloverPhase.Provisioning);
        assertThat(status.getNext().getStartedAt()).isEqualTo(PUSH.toString());
        assertThat(status.getNext().getUrl()).isEqualTo("http://" + B + ".team.svc.cluster.local");
        assertThat(status.reason("RolledOver")).isEqualTo("RollingOver");
        assertThat(status.condition("RolledOver").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .containsExactly(
                        "Create Deployment " + B,
                        "Create Service " + B,
                        "Verify Deployment " + A,
                        "Verify Service shop");
        Service incoming = (Service) ((Decision.Create) d.actions().get(1)).desired();
        assertThat(incoming.getSpec().getSelector()).containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_B);
        Deployment next = (Deployment) ((Decision.Create) d.actions().get(0)).desired();
        assertThat(next.getMetadata().getAnnotations())
                .as("its deployment starts at the switch")
                .doesNotContainKey(PreviewNames.ANNOTATION_CREATED_AT);
    }

    @Test
    void theSeedRunsAgainstTheNewBackend_onlyOnceItIsAvailable() {
        Scene s = push(servingA(), COMMIT_B);
        s = s.apply(s.decide());
        Decision starting = s.decide();
        assertThat(starting.status().getNext().getPhase()).isEqualTo(RolloverPhase.Provisioning);
        assertThat(starting.actions()).noneMatch(a -> a instanceof Decision.Create);

        s = s.apply(starting).available(B);
        Decision seeding = s.decide();

        assertThat(seeding.status().getNext().getPhase()).isEqualTo(RolloverPhase.Seeding);
        assertThat(seeding.status().getCommit()).isEqualTo(COMMIT_A);
        assertThat(seeding.status().getPhase()).isEqualTo(Phase.Ready);
        Job job = seeding.actions().stream()
                .filter(Decision.Create.class::isInstance)
                .map(a -> (Job) ((Decision.Create) a).desired())
                .findFirst()
                .orElseThrow();
        assertThat(job.getMetadata().getLabels()).containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_B);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .contains(new EnvVar("PREVIEW_URL", "http://" + B + ".team.svc.cluster.local", null))
                .contains(new EnvVar("PREVIEW_COMMIT", COMMIT_B, null));
        assertThat(seeding.status().getNext().getSeed().getJobName())
                .isEqualTo(job.getMetadata().getName());
    }

    @Test
    void theIncomingBackendAndItsSeedGetThePlansDefaults() {
        EnvVar logs = new EnvVar("LOG_LEVEL", "info", null);
        Scene s = push(servingA("bluedefaults"), COMMIT_B);
        Decision starting = s.decide();
        Deployment next = (Deployment) ((Decision.Create) starting.actions().get(0)).desired();
        assertThat(next.getMetadata().getName()).isEqualTo(B);
        assertThat(next.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .contains(logs);

        s = s.apply(starting).available(B);
        Job job = s.decide().actions().stream()
                .filter(Decision.Create.class::isInstance)
                .map(a -> (Job) ((Decision.Create) a).desired())
                .findFirst()
                .orElseThrow();
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .contains(logs);
    }

    @Test
    void aSucceededSeedSwitches_theServiceFirst_thenTheOldBackendGoes() {
        Scene s = seeding(COMMIT_B).seedFinished(COMMIT_B, true);
        Instant switchAt = s.now;
        Decision d = s.decide();

        PreviewDeploymentStatus status = d.status();
        assertThat(status.getCommit()).isEqualTo(COMMIT_B);
        assertThat(status.getNext()).isNull();
        assertThat(status.getPhase()).isEqualTo(Phase.Ready);
        assertThat(status.reason("RolledOver")).isEqualTo("Switched");
        assertThat(status.isTrue("RolledOver")).isTrue();
        assertThat(status.isTrue("Seeded")).isTrue();
        assertThat(status.getCreatedAt()).as("the TTL restarts at the switch").isEqualTo(switchAt.toString());
        assertThat(status.getExpiresAt()).isEqualTo(switchAt.plus(TTL).toString());
        assertThat(status.getSeed().getJobName()).startsWith("shop-seed-" + PreviewNames.shortCommit(COMMIT_B));
        List<String> actions =
                d.actions().stream().map(LifecycleTableTest::describe).toList();
        assertThat(actions)
                .contains(
                        "Update Service shop",
                        "Update Deployment " + B,
                        "Delete Deployment " + A,
                        "Delete Service " + B);
        assertThat(actions.indexOf("Update Service shop"))
                .as("the Service switches before the old backend goes")
                .isLessThan(actions.indexOf("Delete Deployment " + A));
        assertThat(actions).anyMatch(a -> a.startsWith("Delete Job shop-seed-" + PreviewNames.shortCommit(COMMIT_A)));
        Service service = (Service) d.actions().stream()
                .filter(a -> a instanceof Decision.Update u && u.desired() instanceof Service)
                .map(a -> ((Decision.Update) a).desired())
                .findFirst()
                .orElseThrow();
        assertThat(service.getSpec().getSelector()).containsEntry(PreviewNames.LABEL_COMMIT, COMMIT_B);

        Scene after = s.apply(d);
        Decision settled = after.decide();
        assertThat(settled.status()).isEqualTo(d.status());
        assertThat(settled.actions()).allMatch(a -> a instanceof Decision.Verify);
        assertThat(after.deployment().getMetadata().getAnnotations())
                .containsEntry(PreviewNames.ANNOTATION_CREATED_AT, switchAt.toString());
    }

    @Test
    void aFailedSeedKeepsTheOldCommitServing_andDeletesTheNewBackend_butNotItsSeedJob() {
        Scene s = seeding(COMMIT_B).seedFinished(COMMIT_B, false);
        Decision d = s.decide();

        PreviewDeploymentStatus status = d.status();
        assertThat(status.getCommit()).isEqualTo(COMMIT_A);
        assertThat(status.isTrue("Ready")).as("the old commit serves").isTrue();
        assertThat(status.isTrue("SeedFailed")).as("for the incoming commit").isTrue();
        assertThat(status.reason("SeedFailed")).isEqualTo("BackoffLimitExceeded");
        assertThat(status.reason("RolledOver")).isEqualTo("SeedFailed");
        assertThat(status.condition("RolledOver").orElseThrow().getMessage())
                .contains("commit " + PreviewNames.shortCommit(COMMIT_A) + " keeps serving");
        assertThat(status.getNext().getPhase()).isEqualTo(RolloverPhase.SeedFailed);
        assertThat(status.getNext().getFinishedAt()).isEqualTo(s.now.toString());
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .contains("Delete Deployment " + B, "Delete Service " + B)
                .noneMatch(a -> a.startsWith("Delete Job"))
                .noneMatch(a -> a.equals("Update Service shop"));

        Scene failed = s.apply(d);
        Decision again = failed.decide();
        assertThat(again.status()).as("nothing is tried again").isEqualTo(d.status());
        assertThat(again.actions()).noneMatch(a -> a instanceof Decision.Create);
    }

    @Test
    void aBackendThatNeverBecomesAvailableEndsTheRollover_asProvisionFailed() {
        Scene s = push(servingA(), COMMIT_B);
        s = s.apply(s.decide()).stuck(B);
        Decision d = s.decide();

        assertThat(d.status().getCommit()).isEqualTo(COMMIT_A);
        assertThat(d.status().isTrue("Ready")).isTrue();
        assertThat(d.status().getNext().getPhase()).isEqualTo(RolloverPhase.Failed);
        assertThat(d.status().reason("RolledOver")).isEqualTo("ProvisionFailed");
        assertThat(d.status().condition("RolledOver").orElseThrow().getMessage())
                .contains("ProgressDeadlineExceeded");
        assertThat(d.status().isTrue("SeedFailed")).isFalse();
        assertThat(d.actions()).extracting(LifecycleTableTest::describe).contains("Delete Deployment " + B);
    }

    @Test
    void aFailedRolloverIsTriedAgain_forANewReseedValue() {
        Scene s = seeding(COMMIT_B).seedFinished(COMMIT_B, false);
        Scene failed = s.apply(s.decide());
        Scene reseeded =
                failed.edit(p -> p.getMetadata().setAnnotations(Map.of(PreviewDeployment.RESEED_ANNOTATION, "2")));
        Decision d = reseeded.decide();

        assertThat(d.status().getNext().getPhase()).isEqualTo(RolloverPhase.Provisioning);
        assertThat(d.status().reason("RolledOver")).isEqualTo("RollingOver");
        assertThat(d.status().isTrue("SeedFailed")).isFalse();
        assertThat(d.actions()).extracting(LifecycleTableTest::describe).contains("Create Deployment " + B);
    }

    @Test
    void aNewCommitDuringARolloverAbandonsIt() {
        Scene s = seeding(COMMIT_B);
        Scene again = push(s, COMMIT_C);
        Decision d = again.decide();

        assertThat(d.status().getNext().getCommit()).isEqualTo(COMMIT_C);
        assertThat(d.status().getCommit()).isEqualTo(COMMIT_A);
        assertThat(d.notices()).extracting(Decision.Notice::reason).containsExactly("RolloverAbandoned");
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .contains("Create Deployment " + C, "Delete Deployment " + B, "Delete Service " + B)
                .anyMatch(a -> a.startsWith("Delete Job shop-seed-" + PreviewNames.shortCommit(COMMIT_B)))
                .doesNotContain("Delete Deployment " + A);
    }

    @Test
    void withoutASeed_theSwitchComesAsSoonAsTheNewBackendIsAvailable() {
        Scene s = Scene.created().plan("blue");
        s = s.apply(s.decide()).available(A);
        s = s.apply(s.decide()).at(PUSH);
        s = push(s, COMMIT_B);
        s = s.apply(s.decide()).available(B);
        Decision d = s.decide();

        assertThat(d.status().getCommit()).isEqualTo(COMMIT_B);
        assertThat(d.status().reason("RolledOver")).isEqualTo("Switched");
        assertThat(d.actions()).extracting(LifecycleTableTest::describe).contains("Delete Deployment " + A);
    }

    @Test
    void changingTheRolloverDuringOneTakesEffectAtTheNextCommit() {
        Scene s = seeding(COMMIT_B).edit(p -> p.getSpec().setRollover(Rollover.Recreate));
        Decision d = s.decide();
        assertThat(d.status().getNext().getPhase()).isEqualTo(RolloverPhase.Seeding);
        assertThat(d.actions()).extracting(LifecycleTableTest::describe).doesNotContain("Delete Deployment " + A);

        Scene next = push(s.apply(d), COMMIT_C);
        Decision recreate = next.decide();
        assertThat(recreate.status().getPhase()).isEqualTo(Phase.Provisioning);
        assertThat(recreate.status().reason("Provisioned")).isEqualTo("Recreating");
        assertThat(recreate.status().getNext()).isNull();
        assertThat(recreate.status().condition("RolledOver")).isEmpty();
    }

    @Test
    void specRolloverBlueGreenOnARecreatePlan_rollsOverFromThePlainDeployment() {
        Scene s = Scene.ready().edit(p -> {
            p.getSpec().setRollover(Rollover.BlueGreen);
            p.getSpec().setCommit(COMMIT_B);
        });
        Decision d = s.decide();

        assertThat(d.status().getNext().getCommit()).isEqualTo(COMMIT_B);
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .containsExactly(
                        "Create Deployment " + B,
                        "Create Service " + B,
                        "Verify Deployment shop",
                        "Verify Service shop");
    }

    @Test
    void anAsleepPreviewTakesANewCommitAsAPlainProvision() {
        Scene asleep = servingA().status(st -> st.setSleepingSince(PUSH.toString()));
        Scene zero = asleep.children(new Observed.Children(
                asleep.children.deployments().stream()
                        .map(d -> {
                            Deployment copy = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().clone(d);
                            copy.getSpec().setReplicas(0);
                            return copy;
                        })
                        .toList(),
                asleep.children.services(),
                null,
                asleep.children.seedJobs()));
        Decision d =
                push(zero.status(st -> st.setConditions(List.of())), COMMIT_B).decide();

        assertThat(d.status().getNext()).isNull();
        assertThat(d.status().reason("Provisioned")).isEqualTo("Recreating");
    }

    @Test
    void anExpiredPreviewRevivedByANewCommitIsAPlainProvision() {
        Scene s = servingA().at(T0.plus(TTL).plusSeconds(1));
        s = s.apply(s.decide());
        assertThat(s.preview.getStatus().getPhase()).isEqualTo(Phase.Expired);
        Decision d = push(s, COMMIT_B).decide();

        assertThat(d.status().getNext()).isNull();
        assertThat(d.status().getCommit()).isEqualTo(COMMIT_B);
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .containsExactly("Create Deployment " + B, "Create Service shop");
    }

    @Test
    void expiryDuringARolloverDeletesBothBackends() {
        Scene s = seeding(COMMIT_B).at(T0.plus(TTL).plusSeconds(1));
        Decision d = s.decide();

        assertThat(d.status().getPhase()).isEqualTo(Phase.Expired);
        assertThat(d.status().getNext()).isNull();
        assertThat(d.status().condition("RolledOver")).isEmpty();
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .contains(
                        "Delete Deployment " + A,
                        "Delete Deployment " + B,
                        "Delete Service shop",
                        "Delete Service " + B);
    }

    @Test
    void theServingBackendIsKept_butAHandEditOfItsPodSecurityIsReverted() {
        Scene s = seeding(COMMIT_B);
        Deployment old = s.children.deployment(COMMIT_A);
        old.getSpec().getTemplate().getSpec().setHostNetwork(true);
        Decision d = s.decide();

        Decision.Update update = d.actions().stream()
                .filter(a -> a instanceof Decision.Update u
                        && u.actual().getMetadata().getName().equals(A))
                .map(Decision.Update.class::cast)
                .findFirst()
                .orElseThrow();
        Deployment restored = (Deployment) update.desired();
        assertThat(restored.getSpec().getTemplate().getSpec().getHostNetwork()).isNull();
        assertThat(restored.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .as("the old commit's image, not the spec's")
                .isEqualTo(old.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage());
        assertThat(update.why()).contains("hostNetwork");
    }

    @Test
    void noSleepWhileRollingOver_butAfterAFailedOneTheOldCommitSleepsLikeAnyBackend() {
        Scene s = seeding(servingA("bluesleep"), COMMIT_B);
        Decision rolling = s.at(PUSH.plus(Duration.ofDays(1))).decide();
        assertThat(rolling.status().getSleepingSince()).isNull();
        assertThat(rolling.status().getNext().getPhase()).isEqualTo(RolloverPhase.Seeding);

        Scene failed = s.seedFinished(COMMIT_B, false);
        failed = failed.apply(failed.decide()).at(PUSH.plus(Duration.ofDays(1)));
        Decision asleep = failed.decide();
        assertThat(asleep.status().getSleepingSince()).isNotNull();
        assertThat(asleep.status().reason("Provisioned")).isEqualTo("Asleep");
        assertThat(asleep.status().getNext().getPhase()).isEqualTo(RolloverPhase.SeedFailed);
        Deployment scaled = (Deployment) asleep.actions().stream()
                .filter(a -> a instanceof Decision.Update u
                        && u.actual().getMetadata().getName().equals(A))
                .map(a -> ((Decision.Update) a).desired())
                .findFirst()
                .orElseThrow();
        assertThat(scaled.getSpec().getReplicas()).isZero();
    }

    /** A rollover to {@code commit} whose seed Job runs. */
    static Scene seeding(String commit) {
        return seeding(servingA(), commit);
    }

    static Scene seeding(Scene serving, String commit) {
        Scene s = push(serving, commit);
        s = s.apply(s.decide()).available(PreviewNames.commitName("shop", commit));
        s = s.apply(s.decide());
        assertThat(s.preview.getStatus().getNext().getPhase()).isEqualTo(RolloverPhase.Seeding);
        return s;
    }
}
