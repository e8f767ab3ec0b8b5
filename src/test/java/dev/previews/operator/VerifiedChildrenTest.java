package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

class VerifiedChildrenTest {
  final VerifiedChildren verified = new VerifiedChildren();

  @Test
  void aChildIsTrustedOnlyAtTheVersionAndForTheWantSeen() {
    Deployment d = deployment("uid-1", "10");
    assertThat(verified.holds(d, "p/1")).isFalse();
    verified.remember(d, "p/1");
    assertThat(verified.holds(deployment("uid-1", "10"), "p/1")).isTrue();
    assertThat(verified.holds(deployment("uid-1", "11"), "p/1")).as("changed since (an edit by hand)").isFalse();
    assertThat(verified.holds(deployment("uid-2", "10"), "p/1")).as("deleted and created again").isFalse();
    assertThat(verified.holds(d, "p/2")).as("the preview wants something new").isFalse();
  }

  @Test
  void kindsAreKeptApartAndForgotten() {
    verified.remember(deployment("uid-1", "10"), "p/1");
    Service s = new ServiceBuilder().withNewMetadata().withName("shop").withNamespace("ns").withUid("uid-1")
        .withResourceVersion("10").endMetadata().build();
    assertThat(verified.holds(s, "p/1")).isFalse();
    verified.remember(s, "p/1");
    verified.forget(deployment("uid-1", "10"));
    assertThat(verified.holds(deployment("uid-1", "10"), "p/1")).isFalse();
    assertThat(verified.holds(s, "p/1")).isTrue();
    verified.forget(new ResourceID("shop", "ns"));
    assertThat(verified.holds(s, "p/1")).isFalse();
  }

  @Test
  void nothingIsRememberedWithoutAWant() {
    verified.remember(deployment("uid-1", "10"), null);
    assertThat(verified.holds(deployment("uid-1", "10"), "null")).isFalse();
  }

  private static Deployment deployment(String uid, String resourceVersion) {
    return new DeploymentBuilder().withNewMetadata().withName("shop").withNamespace("ns").withUid(uid)
        .withResourceVersion(resourceVersion).endMetadata().build();
  }
}
