package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.LATER_DELETE;
import static dev.previews.e2e.E2EEnvironment.LATER_DEPROVISION;
import static dev.previews.e2e.E2EEnvironment.LATER_TTL;
import static dev.previews.e2e.E2EEnvironment.ONE_SLOT_LONG;
import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.OperatorConfig;
import dev.previews.testing.Previews;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the real API server: a preview expires at its time whatever else is wrong with it (a spec that
 * turned invalid, a plan label naming no plan, a recreation that has not finished), and a preview
 * waiting for a slot with no deployment has no expiry at all; afterwards the operator leaves each
 * one alone. The operator from before this test spun on such previews: a wake-up at a time that had
 * passed fires at once, again and again.
 */
@EndToEnd
class ExpiryPrecedenceE2E {
    static final Duration EXPIRY_SLACK = Duration.ofSeconds(60);
    static final Duration QUIET = Duration.ofSeconds(60);
    static final String FINALIZER = "e2e.previews.dev/hold";

    @Test
    void everyBlockedStateExpires_andIsThenLeftAlone(E2EEnvironment env) {
        try (TestNamespace invalid = env.namespace("exp-invalid", LATER_DELETE);
                TestNamespace relabelled = env.namespace("exp-relabel", LATER_DEPROVISION);
                TestNamespace recreating = env.namespace("exp-recreate", LATER_DEPROVISION);
                TestNamespace full = env.namespace("exp-full", ONE_SLOT_LONG)) {
            try {
                expireEach(env, invalid, relabelled, recreating, full);
            } finally {
                release(env, recreating); // or the namespace's deletion waits for the Deployment for ever
            }
        }
    }

    private static void expireEach(
            E2EEnvironment env,
            TestNamespace invalid,
            TestNamespace relabelled,
            TestNamespace recreating,
            TestNamespace full) {
        invalid.create(Previews.preview(invalid.name(), "edited", "feature/edited"));
        relabelled.create(Previews.preview(relabelled.name(), "api", "feature/api"));
        recreating.create(Previews.preview(recreating.name(), "slow", "feature/slow"));
        PreviewDeployment first = Previews.preview(full.name(), "first", "feature/first");
        first.getSpec().setTtl("1m");
        full.create(first);
        invalid.awaitPreview("edited", ready());
        relabelled.awaitPreview("api", ready());
        recreating.awaitPreview("slow", ready());
        full.awaitPreview("first", ready());

        // into each state before its expiry
        invalid.preview("edited").edit(p -> {
            p.getSpec().getBackend().setImage("ghcr.io/acme/shop:{{nope}}");
            return p;
        });
        env.admin().namespaces().withName(relabelled.name()).edit(ns -> {
            ns.getMetadata().getLabels().put(OperatorConfig.PLAN_LABEL, "gold");
            return ns;
        });
        env.admin()
                .apps()
                .deployments()
                .inNamespace(recreating.name())
                .withName("slow")
                .edit(d -> {
                    d.getMetadata().setFinalizers(List.of(FINALIZER));
                    return d;
                });
        recreating.preview("slow").edit(p -> {
            p.getSpec().setCommit(Previews.COMMIT_B);
            return p;
        });
        invalid.awaitPreview("edited", condition("Provisioned", "False", "InvalidSpec"));
        PreviewDeployment unknown = relabelled.awaitPreview("api", condition("Provisioned", "False", "UnknownPlan"));
        assertThat(unknown.getStatus().getPlan()).isEqualTo("gold");
        recreating.awaitPreview("slow", condition("Provisioned", "False", "Recreating"));

        // each expires: Delete for the first namespace's plan; Deprovision, kept in the status, for the
        // relabelled one; Deprovision while recreating
        Duration bound = LATER_TTL.plus(EXPIRY_SLACK);
        await("the invalid preview deleted at its expiry")
                .atMost(bound)
                .pollInterval(E2EEnvironment.POLL)
                .until(() -> invalid.get("edited") == null);
        relabelled.awaitPreview("api", bound, phase(Phase.Expired));
        recreating.awaitPreview("slow", bound, phase(Phase.Expired));
        release(env, recreating);
        relabelled.awaitGone("Deployment api", () -> relabelled.deployment("api"));
        recreating.awaitGone("Deployment slow", () -> recreating.deployment("slow"));

        // the namespace's one slot: first expires (its own 1m TTL), second takes the slot, and a push
        // to first waits for it, without an expiry
        full.awaitPreview("first", Duration.ofMinutes(1).plus(EXPIRY_SLACK), phase(Phase.Expired));
        full.create(Previews.preview(full.name(), "second", "feature/second"));
        full.awaitPreview("second", ready());
        full.preview("first").edit(p -> {
            p.getSpec().setCommit(Previews.COMMIT_C);
            return p;
        });
        PreviewDeployment waiting =
                full.awaitPreview("first", condition("Provisioned", "False", "DeploymentLimitExceeded"));
        assertThat(waiting.getStatus().getExpiresAt())
                .as("no deployment, no expiry")
                .isNull();

        Map<String, String> watched = Map.of(
                invalid.name(), "edited", relabelled.name(), "api", recreating.name(), "slow", full.name(), "first");
        Map<String, Integer> before = new LinkedHashMap<>();
        watched.forEach((namespace, name) -> before.put(namespace, env.reconcileCount(namespace, name)));
        await("a minute").pollDelay(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> true);
        watched.forEach((namespace, name) -> assertThat(env.reconcileCount(namespace, name))
                .as("reconciles of %s/%s in the minute after", namespace, name)
                .isLessThanOrEqualTo(before.get(namespace) + 1));
        assertThat(full.get("second").getStatus().isTrue("Ready")).isTrue();
    }

    /** Takes the test's finalizer off the old Deployment, if it is still there. */
    private static void release(E2EEnvironment env, TestNamespace ns) {
        var deployment = env.admin().apps().deployments().inNamespace(ns.name()).withName("slow");
        if (deployment.get() != null
                && deployment.get().getMetadata().getFinalizers().contains(FINALIZER)) {
            deployment.edit(d -> {
                d.getMetadata()
                        .setFinalizers(d.getMetadata().getFinalizers().stream()
                                .filter(f -> !f.equals(FINALIZER))
                                .toList());
                return d;
            });
        }
    }
}
