package dev.previews.packaging;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Argo CD health check on the objects the operator really writes: the real operator drives
 * previews through their states against the mock API, and the Lua script (run by LuaJ) reads them.
 */
class ArgoHealthLiveTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(
            OperatorConfig.defaults().withPlan(new Plan("tiny", Duration.ofHours(1), 1, ExpiryPolicy.Deprovision)));

    static ArgoHealth.Status health(String ns, String name) {
        return ArgoHealth.of(cluster.get(ns, name));
    }

    static void label(String ns, String plan) {
        cluster.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .withLabels(Map.of(OperatorConfig.PLAN_LABEL, plan))
                        .endMetadata()
                        .build())
                .create();
    }

    @Test
    void progressingWhileProvisioningThenHealthyWhenReady() {
        cluster.create(preview("argo", "login", "feature/login"));
        cluster.awaitPreview("argo", "login", condition("Provisioned", "False", "Provisioning"));
        assertThat(health("argo", "login").status()).isEqualTo("Progressing");
        assertThat(health("argo", "login").message()).startsWith("Provisioning: ");

        cluster.makeAvailable("argo", "login");
        cluster.awaitPreview("argo", "login", condition("Ready", "True", null));
        assertThat(health("argo", "login"))
                .isEqualTo(new ArgoHealth.Status(
                        "Healthy", "commit a1b2c3d is provisioned and seeded at http://login.argo.svc.cluster.local"));
    }

    @Test
    void progressingWhileSeedingThenDegradedWhenTheSeedFails() {
        cluster.create(withSeed(preview("argo-seed", "cart", "feature/cart")));
        cluster.makeAvailable("argo-seed", "cart");
        String job = cluster.awaitSeedJob("argo-seed", "cart").getMetadata().getName();
        cluster.awaitPreview("argo-seed", "cart", condition("Seeded", "False", "Seeding"));
        assertThat(health("argo-seed", "cart").status()).isEqualTo("Progressing");
        assertThat(health("argo-seed", "cart").message()).isEqualTo("Seeding: seed Job " + job + " is running");

        cluster.simulator().failSeed("argo-seed", job, "ERROR: relation \"users\" does not exist");
        cluster.awaitPreview("argo-seed", "cart", condition("SeedFailed", "True", null));
        ArgoHealth.Status h = health("argo-seed", "cart");
        assertThat(h.status()).isEqualTo("Degraded");
        assertThat(h.message())
                .startsWith("Seed failed: seed Job " + job + " failed")
                .contains("relation \"users\" does not exist");
    }

    @Test
    void degradedWhenTheSpecIsInvalidTheBranchIsTakenOrThePlanUnknown() {
        PreviewDeployment bad = preview("argo-bad", "bad-image", "feature/bad");
        bad.getSpec().getBackend().setImage("registry.example.com/shop/api:{{version}}");
        cluster.create(bad);
        cluster.create(preview("argo-bad", "holder", "feature/same"));
        cluster.awaitPreview(
                "argo-bad",
                "holder",
                p -> p.getStatus() != null && p.getStatus().getCommit() != null);
        cluster.create(preview("argo-bad", "second", "feature/same"));
        label("argo-noplan", "enterprise");
        cluster.create(preview("argo-noplan", "orphan", "feature/orphan"));

        cluster.awaitPreview("argo-bad", "bad-image", condition("Provisioned", "False", "InvalidSpec"));
        assertThat(health("argo-bad", "bad-image").status()).isEqualTo("Degraded");
        assertThat(health("argo-bad", "bad-image").message())
                .startsWith("InvalidSpec: ")
                .contains("{{version}}");
        cluster.awaitPreview("argo-bad", "second", condition("Provisioned", "False", "BranchConflict"));
        assertThat(health("argo-bad", "second").status()).isEqualTo("Degraded");
        assertThat(health("argo-bad", "second").message())
                .startsWith("BranchConflict: branch feature/same is already held by preview holder");
        cluster.awaitPreview("argo-noplan", "orphan", condition("Provisioned", "False", "UnknownPlan"));
        assertThat(health("argo-noplan", "orphan").status()).isEqualTo("Degraded");
        assertThat(health("argo-noplan", "orphan").message())
                .startsWith("UnknownPlan: namespace argo-noplan has the label previews.dev/plan=enterprise");
    }

    @Test
    void suspendedWhileWaitingForASlotAndOnceExpired() {
        label("argo-tiny", "tiny");
        cluster.create(preview("argo-tiny", "first", "feature/first"));
        cluster.makeAvailable("argo-tiny", "first");
        cluster.awaitPreview("argo-tiny", "first", condition("Ready", "True", null));
        cluster.create(preview("argo-tiny", "waiting", "feature/waiting"));
        cluster.awaitPreview("argo-tiny", "waiting", condition("Provisioned", "False", "DeploymentLimitExceeded"));
        assertThat(health("argo-tiny", "waiting").status()).isEqualTo("Suspended");
        assertThat(health("argo-tiny", "waiting").message())
                .startsWith("Waiting for a free slot: 1 of 1 previews in use");

        cluster.advance(Duration.ofHours(2));
        cluster.awaitPreview("argo-tiny", "first", condition("Provisioned", "False", "Expired"));
        assertThat(health("argo-tiny", "first").status()).isEqualTo("Suspended");
        assertThat(health("argo-tiny", "first").message()).startsWith("Expired: the preview's time ran out");
    }
}
