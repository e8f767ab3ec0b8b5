package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.OperatorConfig;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two previews of one branch created in the same second, the second one decided while the first one's
 * status has still to come back: the branch stays with the first, which the slot ledger already
 * records as provisioning it, and the second provisions nothing. The fault tier's burst found both
 * provisioned: the branch rule read who holds a slot from the statuses in the cache, saw none, and
 * gave the branch to the one first by name ("a-" before "z-") as well.
 */
class BranchRaceTest {
    static final WriteBetween between = new WriteBetween();

    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults(), between);

    static final String NS = "branch-race";

    @Test
    void theSecondPreviewOfABranchWaitsWhileTheFirstOnesStatusIsOnItsWay() throws InterruptedException {
        String firstStatus = "/apis/previews.dev/v1alpha1/namespaces/" + NS + "/previewdeployments/z-first/status";
        between.beforeNext("PATCH", firstStatus, () -> {
            // z-first is decided and its Deployment created; its status is not written yet
            cluster.create(preview(NS, "a-second", "feature/race"));
            await().atMost(PreviewCluster.WAIT).until(() -> {
                PreviewDeployment p = cluster.get(NS, "a-second");
                return p.getStatus() != null && p.getStatus().getPhase() != null;
            });
        });
        cluster.create(preview(NS, "warm-up", "feature/warm-up")); // the first reconcile loads classes: not this one
        cluster.awaitDeployment(NS, "warm-up");
        // creationTimestamp counts seconds: start at the beginning of one, so that both fall in it and
        // only the name orders them (which puts the second one first)
        Thread.sleep(1000 - System.currentTimeMillis() % 1000);
        cluster.create(preview(NS, "z-first", "feature/race"));

        cluster.awaitPreview(NS, "z-first", condition("Provisioned", "False", "Provisioning"));
        assertThat(cluster.get(NS, "a-second").getStatus().reason("Provisioned"))
                .as("a-second, decided while z-first's status was on its way")
                .isEqualTo("BranchConflict");
        assertThat(cluster.deployment(NS, "a-second")).isNull();
        assertThat(cluster.deployment(NS, "z-first")).isNotNull();
    }
}
