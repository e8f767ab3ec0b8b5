package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A preview deleted while its reconcile is under way (decided, its status write on its way, answered
 * 404): its slot goes to the preview waiting for it all the same. PlansE2E once saw the waiting preview
 * stay DeploymentLimitExceeded for good after such a 404 on the real API server; on the mock this
 * sequence hands the slot over with and without the ledger's guard against a stale holder (SlotLedgerTest
 * shows the guard), and it stays here so that the sequence keeps working.
 */
class DeletedMidReconcileTest {
    static final OperatorConfig CONFIG =
            OperatorConfig.defaults().withPlan(new Plan("one", Duration.ofDays(2), 1, ExpiryPolicy.Delete));
    static final String NS = "mid-reconcile";

    final WriteBetween between = new WriteBetween();
    final PreviewCluster cluster = new PreviewCluster(CONFIG, between);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void theSlotOfAPreviewDeletedWhileItsStatusIsWrittenGoesToTheNextOne() {
        cluster.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .addToLabels(OperatorConfig.PLAN_LABEL, "one")
                        .endMetadata()
                        .build())
                .create();
        cluster.create(preview(NS, "holder", "feature/holder"));
        cluster.awaitPreview(NS, "holder", condition("Provisioned", "False", "Provisioning"));
        cluster.clock().advance(Duration.ofMinutes(1)); // created later, so second in line
        cluster.create(preview(NS, "next", "feature/next"));
        cluster.awaitPreview(NS, "next", condition("Provisioned", "False", "DeploymentLimitExceeded"));

        String holderStatus = "/apis/previews.dev/v1alpha1/namespaces/" + NS + "/previewdeployments/holder/status";
        between.beforeNext("PATCH", holderStatus, () -> {
            // the holder is decided (it keeps its slot); it is deleted before its status is written
            cluster.client()
                    .resources(dev.previews.api.PreviewDeployment.class)
                    .inNamespace(NS)
                    .withName("holder")
                    .delete();
            await().atMost(PreviewCluster.WAIT).until(() -> cluster.get(NS, "holder") == null);
        });
        cluster.makeAvailable(NS, "holder"); // a change: the holder is reconciled, and its status written

        await().atMost(PreviewCluster.WAIT).until(() -> between.answered().contains(404));
        cluster.awaitDeployment(NS, "next");
        cluster.awaitPreview(NS, "next", condition("Provisioned", "False", "Provisioning"));
    }
}
