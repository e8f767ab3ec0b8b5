package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.COMMIT_C;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.Rollover;
import dev.previews.api.RolloverPhase;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A BlueGreen rollover through the real operator on the mock API, the controllers played step by
 * step: the sequence (the new backend beside the old, its seed against its own Service, the switch,
 * the old backend gone), a failed seed and a stalled backend that keep the old commit serving, a new
 * commit that abandons a rollover, and an operator restart in the middle of one.
 */
class RolloverTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "rollover";

    static String commitName(String preview, String commit) {
        return PreviewNames.commitName(preview, commit);
    }

    /** A BlueGreen preview with a seed, Ready at commit A. */
    private void readyAtA(String name) {
        PreviewDeployment p = withSeed(preview(NS, name, "feature/" + name));
        p.getSpec().setRollover(Rollover.BlueGreen);
        cluster.create(p);
        cluster.makeAvailable(NS, commitName(name, COMMIT_A));
        cluster.simulator()
                .succeedSeed(NS, seedJob(name, COMMIT_A).getMetadata().getName());
        cluster.awaitPreview(NS, name, condition("Ready", "True", "Ready"));
    }

    private Job seedJob(String preview, String commit) {
        await().atMost(PreviewCluster.WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.seedJobs(NS, preview).stream()
                        .anyMatch(j -> commit.equals(j.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT))));
        return cluster.seedJobs(NS, preview).stream()
                .filter(j -> commit.equals(j.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT)))
                .findFirst()
                .orElseThrow();
    }

    private void push(String name, String commit) {
        cluster.edit(NS, name, p -> {
            p.getSpec().setCommit(commit);
            return p;
        });
    }

    private String selected(String service) {
        return cluster.service(NS, service).getSpec().getSelector().get(PreviewNames.LABEL_COMMIT);
    }

    @Test
    void theSequence_besideThenSeededThenSwitchedThenTheOldOneGone() {
        readyAtA("shop");
        push("shop", COMMIT_B);

        cluster.awaitDeployment(NS, commitName("shop", COMMIT_B));
        PreviewDeployment starting = cluster.awaitPreview(
                NS,
                "shop",
                p -> p.getStatus().getNext() != null
                        && COMMIT_B.equals(p.getStatus().getNext().getCommit()));
        assertThat(starting.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(starting.getStatus().isTrue("Ready")).isTrue();
        assertThat(selected("shop")).isEqualTo(COMMIT_A);
        assertThat(selected(commitName("shop", COMMIT_B))).isEqualTo(COMMIT_B);
        assertThat(cluster.deployment(NS, commitName("shop", COMMIT_A))).isNotNull();
        assertThat(cluster.seedJobs(NS, "shop"))
                .as("no seed before the new backend is available")
                .noneMatch(j -> COMMIT_B.equals(j.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT)));

        cluster.makeAvailable(NS, commitName("shop", COMMIT_B));
        Job seed = seedJob("shop", COMMIT_B);
        assertThat(seed.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .contains(new EnvVar("PREVIEW_URL", PreviewNames.serviceUrl(commitName("shop", COMMIT_B), NS), null));
        cluster.awaitPreview(NS, "shop", p -> p.getStatus().getNext().getPhase() == RolloverPhase.Seeding);
        // make the operator look at the running seed (a label nobody reads), then check it did not switch
        int reconciles = cluster.reconcileCount(NS, "shop");
        cluster.edit(NS, "shop", p -> {
            p.getMetadata().setLabels(Map.of("poke", "seeding"));
            return p;
        });
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount(NS, "shop") > reconciles);
        assertThat(cluster.get(NS, "shop").getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(selected("shop")).as("no switch before the seed succeeded").isEqualTo(COMMIT_A);

        cluster.simulator().succeedSeed(NS, seed.getMetadata().getName());
        PreviewDeployment switched = cluster.awaitPreview(NS, "shop", condition("RolledOver", "True", "Switched"));
        assertThat(switched.getStatus().getCommit()).isEqualTo(COMMIT_B);
        assertThat(switched.getStatus().isTrue("Ready")).isTrue();
        assertThat(switched.getStatus().getSeed().getJobName())
                .isEqualTo(seed.getMetadata().getName());
        assertThat(selected("shop")).isEqualTo(COMMIT_B);
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment(NS, commitName("shop", COMMIT_A)) == null
                        && cluster.service(NS, commitName("shop", COMMIT_B)) == null);
        assertThat(cluster.seedJobs(NS, "shop"))
                .as("only the new commit's seed Job stays")
                .extracting(j -> j.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT))
                .containsOnly(COMMIT_B);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons(NS, "shop")).contains("RollingOver", "RolledOver"));
        assertThat(cluster.failedReconciles(NS)).isEmpty();
    }

    @Test
    void aFailedSeed_andAStalledBackend_keepTheOldCommitServing_andANewCommitTriesAgain() {
        readyAtA("cart");
        push("cart", COMMIT_B);
        cluster.makeAvailable(NS, commitName("cart", COMMIT_B));
        cluster.simulator()
                .failSeed(
                        NS, seedJob("cart", COMMIT_B).getMetadata().getName(), "fixtures: relation \"users\" missing");

        PreviewDeployment failed = cluster.awaitPreview(NS, "cart", condition("RolledOver", "False", "SeedFailed"));
        assertThat(failed.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(failed.getStatus().isTrue("Ready")).isTrue();
        assertThat(failed.getStatus().isTrue("SeedFailed")).isTrue();
        assertThat(failed.getStatus().getNext().getPhase()).isEqualTo(RolloverPhase.SeedFailed);
        assertThat(failed.getStatus().getNext().getMessage()).contains("relation \"users\" missing");
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.deployment(NS, commitName("cart", COMMIT_B)) == null);
        assertThat(selected("cart")).isEqualTo(COMMIT_A);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons(NS, "cart")).contains("SeedFailed", "RolloverFailed"));

        push("cart", COMMIT_C);
        cluster.awaitDeployment(NS, commitName("cart", COMMIT_C));
        cluster.simulator().markStalled(NS, commitName("cart", COMMIT_C), "ReplicaSet has timed out progressing.");
        PreviewDeployment stalled =
                cluster.awaitPreview(NS, "cart", condition("RolledOver", "False", "ProvisionFailed"));
        assertThat(stalled.getStatus().getNext().getCommit()).isEqualTo(COMMIT_C);
        assertThat(stalled.getStatus().getNext().getPhase()).isEqualTo(RolloverPhase.Failed);
        assertThat(stalled.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(stalled.getStatus().isTrue("Ready")).isTrue();
        assertThat(stalled.getStatus().isTrue("SeedFailed"))
                .as("the seed did not fail")
                .isFalse();
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.deployment(NS, commitName("cart", COMMIT_C)) == null);
        assertThat(cluster.failedReconciles(NS)).isEmpty();
    }

    @Test
    void aNewCommitAbandonsTheRolloverUnderWay() {
        readyAtA("menu");
        push("menu", COMMIT_B);
        cluster.makeAvailable(NS, commitName("menu", COMMIT_B));
        seedJob("menu", COMMIT_B);

        push("menu", COMMIT_C);
        cluster.awaitDeployment(NS, commitName("menu", COMMIT_C));
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment(NS, commitName("menu", COMMIT_B)) == null
                        && cluster.seedJobs(NS, "menu").stream()
                                .noneMatch(j -> COMMIT_B.equals(
                                        j.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT))));
        PreviewDeployment p = cluster.get(NS, "menu");
        assertThat(p.getStatus().getNext().getCommit()).isEqualTo(COMMIT_C);
        assertThat(p.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(cluster.deployment(NS, commitName("menu", COMMIT_A))).isNotNull();
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons(NS, "menu")).contains("RolloverAbandoned"));
    }

    @Test
    void anOperatorRestartedDuringTheSeedGoesOn_withTheSameSeedJob() {
        readyAtA("blog");
        push("blog", COMMIT_B);
        cluster.makeAvailable(NS, commitName("blog", COMMIT_B));
        Job seed = seedJob("blog", COMMIT_B);

        cluster.stopOperator();
        cluster.startOperator();
        cluster.simulator().succeedSeed(NS, seed.getMetadata().getName());

        PreviewDeployment switched = cluster.awaitPreview(NS, "blog", condition("RolledOver", "True", "Switched"));
        assertThat(switched.getStatus().getCommit()).isEqualTo(COMMIT_B);
        List<Job> jobs = cluster.seedJobs(NS, "blog");
        assertThat(jobs)
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(seed.getMetadata().getName());
    }
}
