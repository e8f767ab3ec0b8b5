package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployment limit through PreviewIndex.admit: its quick answers (a preview that holds its slot,
 * a namespace with fewer previews than slots) and its full count (a namespace over its limit) agree.
 */
class AdmissionLimitTest {
  @RegisterExtension
  static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults()
      .withPlan(new Plan("starter", Duration.ofDays(5), 2, ExpiryPolicy.Delete)));
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
}
