package dev.previews.lifecycle;

import static dev.previews.lifecycle.Scene.T0;
import static dev.previews.lifecycle.Scene.TTL;
import static dev.previews.testing.Previews.COMMIT_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decisions the table does not spell out: the expiry policies, revival, zero replicas, createdAt. */
class LifecycleTest {
    @Test
    void expiryUnderDeleteDeletesThePreviewAndSaysSo() {
        Decision d = Scene.ready().plan("gone").at(T0.plus(TTL)).decide();

        assertThat(d.actions()).containsExactly(new Decision.DeletePreview());
        assertThat(d.status()).isNull();
        assertThat(d.holdsSlot()).isFalse();
        assertThat(d.expired()).isEqualTo(ExpiryPolicy.Delete);
        assertThat(d.notices()).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo("Expired");
            assertThat(n.message()).contains("2026-11-04T09:00:00Z").contains("plan gone");
        });
    }

    @Test
    void expiryUnderDeprovisionLeavesNothingClaimingABackend() {
        Decision d = Scene.ready().at(T0.plus(TTL)).decide();

        assertThat(d.expired()).isEqualTo(ExpiryPolicy.Deprovision);
        assertThat(d.status().getUrl()).isNull();
        assertThat(d.status().getSeed()).isNull();
        assertThat(d.status().reason("Seeded")).isEqualTo("Expired");
        assertThat(d.status().isTrue("Seeded")).isFalse();
        assertThat(d.wakeAt()).isNull();
    }

    @Test
    void aNewCommitRevivesAnExpiredPreviewAsANewDeployment() {
        Scene expired = Scene.ready().at(T0.plus(TTL)).status(s -> s.setPhase(Phase.Expired));
        Scene pushed = expired.children(Observed.Children.NONE)
                .edit(p -> p.getSpec().setCommit(COMMIT_B))
                .at(T0.plus(TTL).plusSeconds(60));

        Decision d = pushed.decide();
        Instant now = pushed.now;
        assertThat(d.status().getPhase()).isEqualTo(Phase.Provisioning);
        assertThat(d.status().getCreatedAt()).isEqualTo(now.toString());
        assertThat(d.wakeAt()).isEqualTo(now.plus(TTL));
        assertThat(d.actions())
                .extracting(LifecycleTableTest::describe)
                .containsExactly("Create Deployment shop", "Create Service shop");

        Decision full = pushed.slot(false).decide();
        assertThat(full.status().getPhase()).isEqualTo(Phase.LimitExceeded);
        assertThat(full.status().getExpiresAt()).as("no deployment, no expiry").isNull();
        assertThat(full.status().getCommit()).isNull();
        assertThat(full.wakeAt()).isNull();
    }

    @Test
    void zeroReplicasIsScaledToZero_notReady() {
        Scene zero = Scene.ready().edit(p -> p.getSpec().getBackend().setReplicas(0));
        Deployment scaled = zero.deployment();
        scaled.getSpec().setReplicas(0);
        scaled.getMetadata().setGeneration(2L);
        scaled.getStatus().setObservedGeneration(2L);
        scaled.getStatus().setReplicas(0);
        scaled.getStatus().setUpdatedReplicas(0);
        scaled.getStatus().setAvailableReplicas(0);

        Decision d = zero.decide();

        assertThat(d.status().reason("Provisioned")).isEqualTo("ScaledToZero");
        assertThat(d.status().reason("Ready")).isEqualTo("ScaledToZero");
        assertThat(d.status().getPhase()).isEqualTo(Phase.Asleep);
        assertThat(d.holdsSlot()).isTrue();
    }

    @Test
    void aLaterOrMalformedCreatedAtOnTheDeploymentMovesNothing() {
        for (String forged : List.of("2030-01-01T00:00:00Z", "garbage")) {
            Scene scene = Scene.ready();
            scene.deployment().getMetadata().getAnnotations().put(PreviewNames.ANNOTATION_CREATED_AT, forged);

            Decision d = scene.decide();

            assertThat(d.status().getExpiresAt())
                    .as(forged)
                    .isEqualTo(T0.plus(TTL).toString());
            assertThat(d.actions())
                    .extracting(LifecycleTableTest::describe)
                    .as(forged)
                    .contains("Update Deployment shop");
        }
    }

    @Test
    void aLostStatusWriteKeepsTheDeploymentsCreatedAt() {
        Scene lost = Scene.ready().status(s -> {
            s.setCreatedAt(null);
            s.setExpiresAt(null);
        });

        Decision d = lost.decide();

        assertThat(d.status().getCreatedAt()).isEqualTo(T0.toString());
        assertThat(d.wakeAt()).isEqualTo(T0.plus(TTL));
    }

    @Test
    void deletionAndNamespaceTerminationLeaveThePreviewAlone() {
        Scene deleting = Scene.ready().edit(p -> p.getMetadata().setDeletionTimestamp(T0.toString()));
        assertThat(deleting.decide()).isEqualTo(Decision.leaveAlone());
        Observed o = Scene.ready().observed();
        Observed terminating = new Observed(
                o.preview(),
                o.plan(),
                o.children(),
                true,
                o.slot(),
                o.branchHolder(),
                o.seedOutput(),
                o.verified(),
                o.config(),
                o.now());
        assertThat(Lifecycle.decide(terminating)).isEqualTo(Decision.leaveAlone());
    }
}
