package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.COMMIT_C;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry takes precedence over every other state (DESIGN.md behaviour 4): a preview whose spec turned
 * invalid, whose plan is unknown, which waits for a slot or is being recreated still expires at its
 * time, under the plan it last had; and a time that has passed is never scheduled again, so that
 * afterwards the operator leaves the preview alone (a wake-up at a passed time fires at once, again
 * and again: thousands of reconciles a second with nothing to do).
 */
class ExpiryPrecedenceTest {
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("keep", Duration.ofDays(2), 10, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("single", Duration.ofDays(2), 1, ExpiryPolicy.Deprovision))
            .withPlan(new Plan("short", Duration.ofDays(2), 10, ExpiryPolicy.Delete));
    /** Real time during which a preview that is done must not be reconciled again. */
    static final Duration QUIET = Duration.ofSeconds(3);

    final PreviewCluster cluster = new PreviewCluster(CONFIG);

    @AfterEach
    void stop() {
        cluster.close();
    }

    PreviewDeployment ready(String ns, String name) {
        cluster.create(preview(ns, name, "feature/" + name));
        cluster.makeAvailable(ns, name);
        return cluster.awaitPreview(ns, name, condition("Ready", "True", null));
    }

    /** The preview is reconciled no more while real time passes (no wake-up at a passed time). */
    void assertLeftAlone(String ns, String name) {
        int before = cluster.reconcileCount(ns, name);
        await().pollDelay(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> true);
        assertThat(cluster.reconcileCount(ns, name))
                .as("reconciles of %s/%s in %s s after it expired", ns, name, QUIET.toSeconds())
                .isLessThanOrEqualTo(before + 1);
    }

    @Test
    void anInvalidSpecExpiresAndIsThenLeftAlone() {
        cluster.namespace("invalid", "short");
        ready("invalid", "edited");
        cluster.edit("invalid", "edited", p -> {
            p.getSpec().getBackend().setImage("ghcr.io/acme/shop:{{nope}}");
            return p;
        });
        cluster.awaitPreview("invalid", "edited", condition("Provisioned", "False", "InvalidSpec"));

        cluster.advance(Duration.ofDays(2));

        await().atMost(PreviewCluster.WAIT).until(() -> cluster.get("invalid", "edited") == null);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() ->
                        assertThat(cluster.eventReasons("invalid", "edited")).contains("Expired"));
        assertLeftAlone("invalid", "edited");
    }

    @Test
    void anUnknownPlanExpiresUnderThePlanItLastHad() {
        cluster.namespace("relabelled", "keep");
        ready("relabelled", "api");
        cluster.client().namespaces().withName("relabelled").edit(ns -> {
            ns.getMetadata().getLabels().put(OperatorConfig.PLAN_LABEL, "gold");
            return ns;
        });
        PreviewDeployment unknown =
                cluster.awaitPreview("relabelled", "api", condition("Provisioned", "False", "UnknownPlan"));
        assertThat(unknown.getStatus().getPlan())
                .as("status.plan names the unknown plan")
                .isEqualTo("gold");

        cluster.advance(Duration.ofDays(2));

        PreviewDeployment expired =
                cluster.awaitPreview("relabelled", "api", p -> p.getStatus().getPhase() == Phase.Expired);
        assertThat(expired.getStatus().reason("Provisioned")).isEqualTo("Expired");
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.deployment("relabelled", "api") == null);
        assertLeftAlone("relabelled", "api");
    }

    @Test
    void anExpiredPreviewPushedToWhileTheNamespaceIsFullWaitsWithoutSpinning() {
        cluster.namespace("full", "single");
        ready("full", "first");
        cluster.advance(Duration.ofDays(2));
        cluster.awaitPreview("full", "first", p -> p.getStatus().getPhase() == Phase.Expired);
        ready("full", "second");

        cluster.edit("full", "first", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        PreviewDeployment waiting =
                cluster.awaitPreview("full", "first", condition("Provisioned", "False", "DeploymentLimitExceeded"));
        assertThat(waiting.getStatus().getExpiresAt())
                .as("no deployment, no expiry")
                .isNull();
        assertLeftAlone("full", "first");
        assertThat(cluster.get("full", "second").getStatus().isTrue("Ready")).isTrue();
    }

    @Test
    void aRecreationStillRunningAtExpiryExpires() {
        cluster.namespace("recreate", "keep");
        ready("recreate", "slow");
        // the old Deployment's deletion waits for its pods (foreground): a finalizer holds it here
        cluster.client()
                .apps()
                .deployments()
                .inNamespace("recreate")
                .withName("slow")
                .edit(d -> {
                    d.getMetadata().setFinalizers(List.of("test.previews.dev/hold"));
                    return d;
                });
        cluster.edit("recreate", "slow", p -> {
            p.getSpec().setCommit(COMMIT_C);
            return p;
        });
        cluster.awaitPreview("recreate", "slow", condition("Provisioned", "False", "Recreating"));

        cluster.advance(Duration.ofDays(2));

        PreviewDeployment expired =
                cluster.awaitPreview("recreate", "slow", p -> p.getStatus().getPhase() == Phase.Expired);
        assertThat(expired.getStatus().reason("Ready")).isEqualTo("Expired");
        assertLeftAlone("recreate", "slow");
    }
}
