package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.EXPIRE_DELETE;
import static dev.previews.e2e.E2EEnvironment.EXPIRE_DEPROVISION;
import static dev.previews.e2e.E2EEnvironment.EXPIRY_TTL;
import static dev.previews.e2e.E2EEnvironment.LIMIT_TWO;
import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static dev.previews.testing.Previews.COMMIT_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Plans on the real clock: previews in namespaces labelled with a short-TTL test plan expire at
 * their expiresAt under both policies, and a plan's deployment limit holds previews back until a slot
 * frees.
 */
@EndToEnd
class PlansE2E {
    /** How late an expiry may be observed: the timer fires at expiresAt, the rest is the API and the GC. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(60);

    @Test
    void underDelete_anExpiredPreviewIsDeletedWithItsChildren(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("expire-delete", EXPIRE_DELETE)) {
            ns.create(Previews.withSeed(Previews.preview(ns.name(), "short-lived", "feature/short-lived")));
            PreviewDeployment p = ns.awaitPreview("short-lived", q -> {
                assertThat(q.getStatus()).isNotNull();
                assertThat(q.getStatus().getExpiresAt()).isNotNull();
                assertThat(ns.deployment("short-lived")).isNotNull();
            });
            assertThat(p.getStatus().getPlan()).isEqualTo(EXPIRE_DELETE.name());
            Instant createdAt = Instant.parse(p.getStatus().getCreatedAt());
            Instant expiresAt = Instant.parse(p.getStatus().getExpiresAt());
            assertThat(Duration.between(createdAt, expiresAt)).isEqualTo(EXPIRY_TTL);

            await(
                    ns,
                    "preview short-lived deleted at expiry",
                    () -> ns.get("short-lived") == null,
                    EXPIRY_TTL.plus(EXPIRY_SLACK));
            assertExpiredAtOrAfter(ns, "short-lived", expiresAt);
            ns.awaitGone("Deployment short-lived", () -> ns.deployment("short-lived"));
            ns.awaitGone("Service short-lived", () -> ns.service("short-lived"));
            ns.awaitGone(
                    "seed Jobs of short-lived", () -> ns.jobs("short-lived").isEmpty() ? null : "jobs");
        }
    }

    @Test
    void underDeprovision_anExpiredPreviewLosesItsWorkloads_staysExpired_andANewCommitBringsItBack(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("expire-deprov", EXPIRE_DEPROVISION)) {
            ns.create(Previews.withSeed(Previews.preview(ns.name(), "gitops", "feature/gitops")));
            PreviewDeployment first = ns.awaitPreview("gitops", q -> {
                assertThat(q.getStatus()).isNotNull();
                assertThat(q.getStatus().getExpiresAt()).isNotNull();
                assertThat(ns.deployment("gitops")).isNotNull();
            });
            Instant expiresAt = Instant.parse(first.getStatus().getExpiresAt());

            PreviewDeployment expired = ns.awaitPreview("gitops", EXPIRY_TTL.plus(EXPIRY_SLACK), phase(Phase.Expired));
            assertExpiredAtOrAfter(ns, "gitops", expiresAt);
            condition("Provisioned", "False", "Expired").accept(expired);
            condition("Ready", "False", "Expired").accept(expired);
            ns.awaitGone("Deployment gitops", () -> ns.deployment("gitops"));
            ns.awaitGone("Service gitops", () -> ns.service("gitops"));
            ns.awaitGone("seed Jobs of gitops", () -> ns.jobs("gitops").isEmpty() ? null : "jobs");

            // a push: the same preview provisions again, with a fresh TTL
            ns.preview("gitops")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"commit\":\"" + COMMIT_B + "\"}}");
            PreviewDeployment again = ns.awaitPreview("gitops", q -> {
                assertThat(q.getStatus().getCommit()).isEqualTo(COMMIT_B);
                assertThat(q.getStatus().getPhase()).isNotEqualTo(Phase.Expired);
                assertThat(ns.deployment("gitops")).isNotNull();
            });
            assertThat(Instant.parse(again.getStatus().getExpiresAt())).isAfter(expiresAt);
        }
    }

    @Test
    void theDeploymentLimitHoldsPreviewsBack_andAdmitsTheNextWhenASlotFrees(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("limit", LIMIT_TWO)) {
            ns.create(Previews.preview(ns.name(), "first", "feature/first"));
            ns.awaitPreview("first", q -> assertThat(ns.deployment("first")).isNotNull());
            ns.create(Previews.preview(ns.name(), "second", "feature/second"));
            ns.awaitPreview("second", q -> assertThat(ns.deployment("second")).isNotNull());
            ns.create(Previews.preview(ns.name(), "third", "feature/third"));

            PreviewDeployment third = ns.awaitPreview("third", phase(Phase.LimitExceeded));
            condition("Provisioned", "False", "DeploymentLimitExceeded").accept(third);
            condition("Ready", "False", "DeploymentLimitExceeded").accept(third);
            assertThat(Expect.message(third, "Provisioned"))
                    .startsWith(
                            "2 of 2 previews in use in namespace " + ns.name() + " (plan " + LIMIT_TWO.name() + ")");
            assertThat(ns.deployment("third"))
                    .as("Deployment of the preview over the limit")
                    .isNull();
            ns.awaitEvents("third", "Warning DeploymentLimitExceeded");
            ns.awaitPreview("first", ready());
            ns.awaitPreview("second", ready());

            ns.preview("first").delete();

            ns.awaitPreview("third", ready());
            assertThat(ns.deployment("third")).isNotNull();
        }
    }

    /** The Expired event (kubectl get events) was recorded at expiresAt, not before. */
    private static void assertExpiredAtOrAfter(TestNamespace ns, String preview, Instant expiresAt) {
        assertThat(ns.awaitEvents(preview, "Normal Expired"))
                .filteredOn(e -> "Expired".equals(e.getReason()))
                .singleElement()
                .satisfies(e -> assertThat(Instant.parse(e.getFirstTimestamp()))
                        .as("time of the Expired event")
                        .isAfterOrEqualTo(expiresAt)
                        .isBefore(expiresAt.plus(EXPIRY_SLACK)));
    }

    private static void await(TestNamespace ns, String what, Callable<Boolean> done, Duration atMost) {
        Awaitility.await(what).atMost(atMost).pollInterval(E2EEnvironment.POLL).until(done);
    }
}
