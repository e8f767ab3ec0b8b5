package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.SeedSpec;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status says what is true, no more: after an expiry, at zero replicas, whatever a child says. */
class StatusTruthTest {
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("keep", Duration.ofDays(2), 10, ExpiryPolicy.Deprovision))
            .withIngressHostTemplate("{{name}}.{{namespace}}.previews.example.com");

    final PreviewCluster cluster = new PreviewCluster(CONFIG);

    @AfterEach
    void stop() {
        cluster.close();
    }

    PreviewDeployment ready(PreviewDeployment p) {
        String ns = p.getMetadata().getNamespace();
        String name = p.getMetadata().getName();
        cluster.create(p);
        cluster.makeAvailable(ns, name);
        if (p.getSpec().getSeed() != null) {
            cluster.simulator()
                    .succeedSeed(
                            ns, cluster.awaitSeedJob(ns, name).getMetadata().getName());
        }
        return cluster.awaitPreview(ns, name, condition("Ready", "True", null));
    }

    @Test
    void afterADeprovisionExpiryNothingClaimsABackend() {
        cluster.namespace("kept", "keep");
        PreviewDeployment before = ready(withSeed(preview("kept", "shop", "feature/shop")));
        assertThat(before.getStatus().getUrl()).isNotNull();
        assertThat(before.getStatus().getExternalUrl()).isEqualTo("http://shop.kept.previews.example.com");

        cluster.advance(Duration.ofDays(2));

        PreviewDeployment expired =
                cluster.awaitPreview("kept", "shop", p -> p.getStatus().getPhase() == Phase.Expired);
        assertThat(expired.getStatus().getUrl()).as("no Service answers there").isNull();
        assertThat(expired.getStatus().getExternalUrl()).isNull();
        assertThat(expired.getStatus().isTrue("Seeded"))
                .as("its seeded data went with it")
                .isFalse();
        assertThat(expired.getStatus().reason("Seeded")).isEqualTo("Expired");
        assertThat(expired.getStatus().reason("Ready")).isEqualTo("Expired");
    }

    @Test
    void zeroReplicasIsNotReady() {
        PreviewDeployment p = preview("zero", "off", "feature/off");
        p.getSpec().getBackend().setReplicas(0);
        cluster.create(p);
        cluster.makeAvailable("zero", "off");

        PreviewDeployment scaled = cluster.awaitPreview("zero", "off", condition("Ready", "False", "ScaledToZero"));
        assertThat(scaled.getStatus().isTrue("Provisioned")).isFalse();
        assertThat(scaled.getStatus().condition("Ready").orElseThrow().getMessage())
                .contains("replicas");
        assertThat(cluster.deployment("zero", "off").getSpec().getReplicas()).isZero();
    }

    @Test
    void createdAtCannotBeMovedByEditingTheDeployment() {
        Instant created = cluster.clock().instant();
        String expires =
                ready(preview("moved", "api", "feature/api")).getStatus().getExpiresAt();
        assertThat(expires).isEqualTo(created.plus(Duration.ofDays(5)).toString());

        for (String forged : List.of("2030-01-01T00:00:00Z", "garbage")) {
            cluster.client()
                    .apps()
                    .deployments()
                    .inNamespace("moved")
                    .withName("api")
                    .edit(d -> {
                        d.getMetadata().getAnnotations().put(PreviewNames.ANNOTATION_CREATED_AT, forged);
                        return d;
                    });
            await().atMost(PreviewCluster.WAIT)
                    .until(() -> !forged.equals(cluster.deployment("moved", "api")
                            .getMetadata()
                            .getAnnotations()
                            .get(PreviewNames.ANNOTATION_CREATED_AT)));
            assertThat(cluster.get("moved", "api").getStatus().getExpiresAt())
                    .as("after %s", forged)
                    .isEqualTo(expires);
        }
        assertThat(cluster.failedReconciles("moved")).isEmpty();
    }

    @Test
    void aSeedRecordedByAnEarlierOperatorVersionIsNotRunAgain() {
        PreviewDeployment p = ready(withSeed(preview("upgrade", "shop", "feature/shop")));
        Job job = cluster.seedJobs("upgrade", "shop").get(0);
        // an earlier version named the Job after a fingerprint of the container it built
        cluster.stopOperator();
        Job older = cluster.client().getKubernetesSerialization().clone(job);
        String olderName = PreviewNames.seedJobName("shop", p.getSpec().getCommit(), "0ld0ld");
        older.getMetadata().setName(olderName);
        older.getMetadata().setResourceVersion(null);
        older.getMetadata().setUid(null);
        older.getMetadata().getLabels().put(PreviewNames.LABEL_SEED_FINGERPRINT, "0ld0ld");
        cluster.client().resource(job).delete();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.seedJobs("upgrade", "shop").isEmpty());
        cluster.client().resource(older).create();
        cluster.simulator().succeedSeed("upgrade", olderName);
        cluster.client()
                .resources(PreviewDeployment.class)
                .inNamespace("upgrade")
                .withName("shop")
                .editStatus(s -> {
                    s.getStatus().getSeed().setJobName(olderName);
                    s.getStatus().getSeed().setFingerprint(null);
                    return s;
                });

        cluster.startOperator();
        cluster.edit("upgrade", "shop", e -> {
            e.getMetadata().setLabels(Map.of("touched", "yes")); // any change: a reconcile
            return e;
        });
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount("upgrade", "shop") > 0);
        await().pollDelay(Duration.ofSeconds(1)).atMost(PreviewCluster.WAIT).until(() -> true);
        assertThat(cluster.seedJobs("upgrade", "shop"))
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(olderName);
        assertThat(cluster.get("upgrade", "shop").getStatus().isTrue("Ready")).isTrue();
    }

    @Test
    void aNewSeedSpecStillRunsTheSeedAgain() {
        ready(withSeed(preview("changed", "shop", "feature/shop")));
        cluster.edit("changed", "shop", p -> {
            SeedSpec seed = p.getSpec().getSeed();
            seed.setCommand(List.of("/app/seed", "--fixtures", "big"));
            return p;
        });
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.seedJobs("changed", "shop").stream()
                        .anyMatch(j -> j.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getCommand()
                                .contains("big")));
    }

    @Test
    void branchTiesGoToThePreviewThatAlreadyProvisionsTheBranch() throws InterruptedException {
        // the mock sets creationTimestamp (in seconds) at creation and keeps it through every update, so a tie
        // is two previews created in one second: zulu at the start of a second, admitted, then alpha (first by
        // name); an attempt that missed the second is made again in another namespace
        String ns = null;
        for (int attempt = 1; attempt <= 5 && ns == null; attempt++) {
            String candidate = "tie-" + attempt;
            Thread.sleep(1000 - System.currentTimeMillis() % 1000); // aligns with the clock's second; waits for nothing
            cluster.create(preview(candidate, "zulu", "feature/tie"));
            cluster.awaitPreview(candidate, "zulu", condition("Provisioned", "False", "Provisioning"));
            cluster.create(preview(candidate, "alpha", "feature/tie"));
            if (cluster.get(candidate, "zulu")
                    .getMetadata()
                    .getCreationTimestamp()
                    .equals(cluster.get(candidate, "alpha").getMetadata().getCreationTimestamp())) {
                ns = candidate;
            }
        }
        assertThat(ns)
                .as("a namespace where zulu and alpha were created in one second")
                .isNotNull();
        cluster.makeAvailable(ns, "zulu");
        cluster.awaitPreview(ns, "zulu", condition("Ready", "True", null));
        cluster.awaitPreview(ns, "alpha", condition("Provisioned", "False", "BranchConflict"));
        cluster.edit(ns, "zulu", z -> {
            z.getMetadata().setLabels(Map.of("touched", "yes"));
            return z;
        });
        await().pollDelay(Duration.ofSeconds(1)).atMost(PreviewCluster.WAIT).until(() -> true);
        assertThat(cluster.get(ns, "zulu").getStatus().isTrue("Ready")).isTrue();
        assertThat(cluster.deployment(ns, "alpha")).isNull();
    }
}
