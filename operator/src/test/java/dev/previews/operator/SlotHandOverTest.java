package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A preview holds a slot from its admission until its workloads are deleted (DESIGN.md, "Slots"):
 * whatever frees a slot (deletion, either expiry policy) admits the next waiting preview at once,
 * with no further event and no resync; an invalid preview whose backend is kept holds its slot still.
 */
class SlotHandOverTest {
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("one-kept", Duration.ofDays(2), 1, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("one-deleted", Duration.ofDays(2), 1, ExpiryPolicy.Delete));

    final PreviewCluster cluster = new PreviewCluster(CONFIG);

    @AfterEach
    void stop() {
        cluster.close();
    }

    /** The holder is Ready, the next one waits for its slot. */
    void holderAndWaiting(String ns) {
        cluster.create(preview(ns, "holder", "feature/holder"));
        cluster.makeAvailable(ns, "holder");
        cluster.awaitPreview(ns, "holder", condition("Ready", "True", null));
        cluster.clock().advance(Duration.ofMinutes(1)); // created later, so second in line
        cluster.create(preview(ns, "next", "feature/next"));
        cluster.awaitPreview(ns, "next", condition("Provisioned", "False", "DeploymentLimitExceeded"));
    }

    void assertNextIsAdmitted(String ns) {
        cluster.awaitDeployment(ns, "next");
        cluster.makeAvailable(ns, "next");
        cluster.awaitPreview(ns, "next", condition("Ready", "True", null));
    }

    @Test
    void aDeprovisionExpiryHandsTheSlotOver() {
        cluster.namespace("kept", "one-kept");
        holderAndWaiting("kept");

        cluster.advance(Duration.ofDays(2));

        cluster.awaitPreview("kept", "holder", p -> p.getStatus().getPhase() == Phase.Expired);
        assertNextIsAdmitted("kept");
    }

    @Test
    void aDeleteExpiryHandsTheSlotOver() {
        cluster.namespace("deleted", "one-deleted");
        holderAndWaiting("deleted");

        cluster.advance(Duration.ofDays(2));

        await().atMost(PreviewCluster.WAIT).until(() -> cluster.get("deleted", "holder") == null);
        assertNextIsAdmitted("deleted");
    }

    @Test
    void aDeletionHandsTheSlotOver() {
        cluster.namespace("deletion", "one-kept");
        holderAndWaiting("deletion");

        cluster.client()
                .resources(PreviewDeployment.class)
                .inNamespace("deletion")
                .withName("holder")
                .delete();

        assertNextIsAdmitted("deletion");
    }

    @Test
    void anInvalidPreviewWhoseBackendIsKeptHoldsItsSlot_andWaitingOnesLeaveTheLineWhenInvalid() {
        cluster.namespace("invalid", "one-kept");
        holderAndWaiting("invalid");
        cluster.clock().advance(Duration.ofMinutes(1));
        cluster.create(preview("invalid", "third", "feature/third"));
        cluster.awaitPreview("invalid", "third", condition("Provisioned", "False", "DeploymentLimitExceeded"));

        cluster.edit("invalid", "holder", p -> {
            p.getSpec().getBackend().setImage("ghcr.io/acme/shop:{{nope}}");
            return p;
        });
        cluster.awaitPreview("invalid", "holder", condition("Provisioned", "False", "InvalidSpec"));
        assertThat(cluster.deployment("invalid", "holder"))
                .as("the backend is kept")
                .isNotNull();
        assertThat(cluster.deployment("invalid", "next")).as("so is its slot").isNull();

        cluster.edit("invalid", "next", p -> {
            p.getSpec().getBackend().setImage("ghcr.io/acme/shop:{{nope}}");
            return p;
        });
        cluster.awaitPreview("invalid", "next", condition("Provisioned", "False", "InvalidSpec"));
        cluster.client()
                .resources(PreviewDeployment.class)
                .inNamespace("invalid")
                .withName("holder")
                .delete();

        cluster.awaitDeployment("invalid", "third");
        assertThat(cluster.deployment("invalid", "next")).isNull();
    }
}
