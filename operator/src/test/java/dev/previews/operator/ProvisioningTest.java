package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProvisioningTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "provisioning";

    @Test
    void createsOwnedRestrictedChildrenAndReportsReadyOnceAvailable() {
        String createdAt = cluster.clock().instant().toString();
        PreviewDeployment created = cluster.create(preview(NS, "login", "feature/login"));

        Deployment d = cluster.awaitDeployment(NS, "login");
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example.com/shop/api:a1b2c3d");
        assertThat(c.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(3000));
        assertThat(d.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "preview-backend")
                .containsEntry("app.kubernetes.io/instance", "login")
                .containsEntry("app.kubernetes.io/managed-by", "preview-operator")
                .containsEntry("previews.dev/commit", COMMIT_A);
        assertControlledBy(d.getMetadata().getOwnerReferences(), created);
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);

        await().atMost(PreviewCluster.WAIT).until(() -> cluster.service(NS, "login") != null);
        Service s = cluster.service(NS, "login");
        assertControlledBy(s.getMetadata().getOwnerReferences(), created);
        assertThat(s.getSpec().getSelector())
                .containsEntry("app.kubernetes.io/instance", "login")
                .containsEntry("app.kubernetes.io/name", "preview-backend");

        PreviewDeployment provisioning =
                cluster.awaitPreview(NS, "login", condition("Provisioned", "False", "Provisioning"));
        assertThat(provisioning.getStatus().getPhase()).isEqualTo(Phase.Provisioning);
        assertThat(provisioning.getStatus().isTrue("Ready")).isFalse();

        cluster.makeAvailable(NS, "login");
        PreviewDeployment ready = cluster.awaitPreview(NS, "login", condition("Ready", "True", "Ready"));
        assertThat(ready.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(ready.getStatus().getUrl()).isEqualTo("http://login.provisioning.svc.cluster.local");
        assertThat(ready.getStatus().getCommit()).isEqualTo(COMMIT_A);
        assertThat(ready.getStatus().getShortCommit()).isEqualTo("a1b2c3d");
        assertThat(ready.getStatus().getCreatedAt()).isEqualTo(createdAt);
        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());
        assertThat(ready.getStatus().condition("Provisioned").orElseThrow().getReason())
                .isEqualTo("Available");
        assertThat(ready.getStatus().condition("Seeded").orElseThrow().getReason())
                .isEqualTo("NoSeed");
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons(NS, "login")).contains("Provisioned"));
    }

    @Test
    void idleOperatorWritesNothingForAnUnchangedPreview() {
        cluster.create(preview(NS, "idle", "feature/idle"));
        cluster.makeAvailable(NS, "idle");
        PreviewDeployment ready = cluster.awaitPreview(NS, "idle", condition("Ready", "True", null));
        String readySince = ready.getStatus().condition("Ready").orElseThrow().getLastTransitionTime();

        int before = cluster.reconcileCount(NS, "idle");
        cluster.clearRequests();
        // A change to a child that is not the operator's business (another controller's annotation)
        // delivers an event; the reconcile it triggers must find nothing to write.
        cluster.client().services().inNamespace(NS).withName("idle").edit(s -> {
            s.getMetadata().setAnnotations(Map.of("example.com/scraped", "true"));
            return s;
        });
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount(NS, "idle") > before);
        cluster.advance(Duration.ofMinutes(5));
        List<String> writes = PreviewCluster.writes(cluster.drainRequests());

        assertThat(writes)
                .as("writes after the test's own edit")
                .hasSize(1)
                .allMatch(w -> w.contains("/services/idle"));
        PreviewDeployment after = cluster.get(NS, "idle");
        assertThat(after.getStatus().condition("Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo(readySince);
    }

    @Test
    void recreatesOnANewCommitDeletingTheOldDeploymentFirst() {
        cluster.create(preview(NS, "push", "feature/push"));
        cluster.makeAvailable(NS, "push");
        PreviewDeployment ready = cluster.awaitPreview(NS, "push", condition("Ready", "True", null));
        String oldUid = cluster.deployment(NS, "push").getMetadata().getUid();
        String serviceUid = cluster.service(NS, "push").getMetadata().getUid();

        cluster.clock().advance(Duration.ofHours(3));
        String pushedAt = cluster.clock().instant().toString();
        cluster.clearRequests();
        cluster.edit(NS, "push", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        Deployment recreated = awaitDeploymentAtCommit("push", COMMIT_B);
        List<String> writes = PreviewCluster.writes(cluster.drainRequests());

        assertThat(recreated.getMetadata().getUid()).isNotEqualTo(oldUid);
        int deleted = PreviewCluster.indexOf(writes, "DELETE /apis/apps/v1/namespaces/" + NS + "/deployments/push");
        int createdNew = PreviewCluster.indexOf(writes, "POST /apis/apps/v1/namespaces/" + NS + "/deployments");
        assertThat(deleted).as("old Deployment deleted in %s", writes).isGreaterThanOrEqualTo(0);
        assertThat(createdNew)
                .as("new Deployment created after the delete in %s", writes)
                .isGreaterThan(deleted);
        assertThat(recreated
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith(":b2c3d4e");

        cluster.makeAvailable(NS, "push");
        PreviewDeployment again = cluster.awaitPreview(
                NS,
                "push",
                p -> COMMIT_B.equals(p.getStatus().getCommit()) && p.getStatus().isTrue("Ready"));
        assertThat(again.getStatus().getCreatedAt())
                .isEqualTo(pushedAt)
                .isNotEqualTo(ready.getStatus().getCreatedAt());
        assertThat(cluster.service(NS, "push").getMetadata().getUid())
                .as("the Service keeps its name and object")
                .isEqualTo(serviceUid);
        assertThat(again.getStatus().getUrl()).isEqualTo(ready.getStatus().getUrl());
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(
                        () -> assertThat(cluster.eventReasons(NS, "push")).contains("Recreating"));
    }

    @Test
    void aCommitPushedRightAfterCreationIsProvisioned() {
        for (int i = 0; i < 5; i++) {
            String name = "quick-" + i;
            cluster.create(preview(NS, name, "feature/" + name));
            cluster.edit(NS, name, p -> {
                p.getSpec().setCommit(COMMIT_B);
                return p;
            });
            Deployment d = awaitDeploymentAtCommit(name, COMMIT_B);
            cluster.simulator().markAvailable(NS, name);
            cluster.awaitPreview(
                    NS,
                    name,
                    p -> COMMIT_B.equals(p.getStatus().getCommit())
                            && p.getStatus().isTrue("Ready"));
            assertThat(d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .endsWith(":b2c3d4e");
        }
    }

    @Test
    void restoresChildrenDeletedOrEditedByHand() {
        cluster.create(preview(NS, "restore", "feature/restore"));
        cluster.makeAvailable(NS, "restore");
        cluster.awaitPreview(NS, "restore", condition("Ready", "True", null));

        cluster.client().services().inNamespace(NS).withName("restore").delete();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.service(NS, "restore") != null
                        && cluster.service(NS, "restore").getMetadata().getDeletionTimestamp() == null);

        cluster.client()
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("restore")
                .edit(d -> {
                    d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setImage("evil.example.com/miner:latest");
                    d.getSpec().setReplicas(5);
                    return d;
                });
        await().atMost(PreviewCluster.WAIT).untilAsserted(() -> {
            Deployment d = cluster.deployment(NS, "restore");
            assertThat(d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("registry.example.com/shop/api:a1b2c3d");
            assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        });
    }

    @Test
    void aDeploymentThatStopsProgressingFailsTheProvisioning() {
        cluster.create(preview(NS, "stuck", "feature/stuck"));
        cluster.awaitDeployment(NS, "stuck");
        cluster.simulator().markStalled(NS, "stuck", "ReplicaSet \"stuck-5d9f\" has timed out progressing.");

        PreviewDeployment failed =
                cluster.awaitPreview(NS, "stuck", condition("Provisioned", "False", "ProvisionFailed"));
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(failed.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains("ProgressDeadlineExceeded")
                .contains("has timed out progressing");
        assertThat(failed.getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("False");
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons(NS, "stuck").contains("ProvisionFailed"));
    }

    private Deployment awaitDeploymentAtCommit(String name, String commit) {
        await().atMost(PreviewCluster.WAIT).until(() -> {
            Deployment d = cluster.deployment(NS, name);
            return d != null && commit.equals(d.getMetadata().getLabels().get("previews.dev/commit"));
        });
        return cluster.deployment(NS, name);
    }

    static void assertControlledBy(List<OwnerReference> refs, PreviewDeployment owner) {
        assertThat(refs).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("PreviewDeployment");
            assertThat(r.getApiVersion()).isEqualTo("previews.dev/v1alpha1");
            assertThat(r.getName()).isEqualTo(owner.getMetadata().getName());
            assertThat(r.getUid()).isEqualTo(owner.getMetadata().getUid());
            assertThat(r.getController()).isTrue();
            assertThat(r.getBlockOwnerDeletion()).isTrue();
        });
    }
}
