package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployment limit through PreviewIndex.admit: its quick answers (a preview that holds its slot,
 * a namespace with fewer previews than slots) and its full count (a namespace over its limit) agree.
 */
class AdmissionLimitTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(
            OperatorConfig.defaults().withPlan(new Plan("starter", Duration.ofDays(5), 2, ExpiryPolicy.Delete)));

    static final String NS = "admission";

    @Test
    void aThirdPreviewWaitsForASlotAndTakesTheOneThatFrees() {
        cluster.create(preview(NS, "first", "feature/first"));
        cluster.awaitDeployment(NS, "first");
        cluster.create(preview(NS, "second", "feature/second"));
        cluster.awaitDeployment(NS, "second");
        cluster.create(preview(NS, "third", "feature/third"));

        var waiting = cluster.awaitPreview(NS, "third", condition("Provisioned", "False", "DeploymentLimitExceeded"));
        assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.LimitExceeded);
        assertThat(cluster.deployment(NS, "third")).isNull();
        // the two that hold their slots keep them on every later reconcile
        cluster.makeAvailable(NS, "first");
        cluster.awaitPreview(NS, "first", condition("Ready", "True", "Ready"));
        assertThat(cluster.get(NS, "third").getStatus().getPhase()).isEqualTo(Phase.LimitExceeded);

        cluster.client().resource(cluster.get(NS, "second")).delete();
        cluster.awaitDeployment(NS, "third");
        cluster.awaitPreview(NS, "third", condition("Provisioned", "False", "Provisioning"));
    }

    /**
     * A slot that frees goes to the oldest waiting preview; the others wait on with the same status
     * (all slots taken), so the deletion costs them a reconcile each and no write.
     */
    @Test
    void aFreedSlotRewritesNoOtherWaitingPreview() {
        String ns = "admission-queue";
        cluster.create(preview(ns, "holder-a", "feature/a"));
        cluster.awaitDeployment(ns, "holder-a");
        cluster.create(preview(ns, "holder-b", "feature/b"));
        cluster.awaitDeployment(ns, "holder-b");
        List<String> waiting = List.of("wait-1", "wait-2", "wait-3");
        for (String name : waiting) {
            cluster.create(preview(ns, name, "feature/" + name));
            cluster.awaitPreview(ns, name, condition("Provisioned", "False", "DeploymentLimitExceeded"));
        }
        Map<String, Integer> reconciles = new HashMap<>();
        waiting.forEach(name -> reconciles.put(name, cluster.reconcileCount(ns, name)));
        cluster.clearRequests();

        cluster.client().resource(cluster.get(ns, "holder-b")).delete();
        cluster.awaitDeployment(ns, "wait-1");
        List<String> stillWaiting = waiting.subList(1, waiting.size());
        for (String name : stillWaiting) {
            await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount(ns, name) > reconciles.get(name));
        }

        List<String> statusWrites = cluster.drainRequests().stream()
                .filter(r -> r.startsWith("PATCH ") && r.contains("/status"))
                .toList();
        for (String name : stillWaiting) {
            assertThat(statusWrites).noneMatch(r -> r.contains("/" + name + "/"));
            assertThat(cluster.get(ns, name).getStatus().getConditions())
                    .anyMatch(c ->
                            c.getType().equals("Provisioned") && c.getMessage().startsWith("2 of 2 previews in use"));
        }
    }
}
