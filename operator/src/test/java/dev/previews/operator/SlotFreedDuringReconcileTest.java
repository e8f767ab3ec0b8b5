package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Found by the fault tier (LeaderFailoverFault): a slot holder deleted while its own reconcile was
 * under way (the reconcile's status write answered 404) kept its slot for good, and the previews waiting
 * for it waited forever. The deletion of a preview frees its slot whenever the deletion reaches the
 * operator, also when it arrives in the middle of that preview's reconcile.
 */
class SlotFreedDuringReconcileTest {
    static final String NS = "freed";
    static final String HOLDER_STATUS = "/apis/previews.dev/v1alpha1/namespaces/freed/previewdeployments/holder/status";
    static final OperatorConfig CONFIG =
            OperatorConfig.defaults().withPlan(new Plan("one", Duration.ofDays(2), 1, ExpiryPolicy.Delete));

    final WriteBetween between = new WriteBetween();
    final PreviewCluster cluster = new PreviewCluster(CONFIG, between);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aHolderDeletedWhileItsReconcileRuns_freesItsSlotForTheNextPreview() {
        cluster.namespace(NS, "one");
        cluster.create(preview(NS, "holder", "feature/holder"));
        cluster.makeAvailable(NS, "holder");
        cluster.awaitPreview(NS, "holder", condition("Ready", "True", null));
        cluster.clock().advance(Duration.ofMinutes(1));
        cluster.create(preview(NS, "next", "feature/next"));
        cluster.awaitPreview(NS, "next", condition("Provisioned", "False", "DeploymentLimitExceeded"));

        // a push to the holder: its reconcile deletes the old backend, and just before it writes the status
        // the holder is deleted, so that the write answers 404 and the deletion arrives during the reconcile
        between.beforeNext(
                "PATCH",
                HOLDER_STATUS,
                () -> cluster.client()
                        .resources(PreviewDeployment.class)
                        .inNamespace(NS)
                        .withName("holder")
                        .delete());
        cluster.edit(NS, "holder", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });

        await("the holder's status write answered 404")
                .atMost(PreviewCluster.WAIT)
                .until(() -> between.answered().contains(404));
        // admitted at once when a slot frees (DESIGN.md): not after a retry's back-off or a resync
        await("next admitted")
                .atMost(Duration.ofSeconds(2))
                .until(() -> cluster.client()
                                .apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("next")
                                .get()
                        != null);
    }
}
