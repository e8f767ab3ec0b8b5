package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.ONE_SLOT_DELETE;
import static dev.previews.e2e.E2EEnvironment.ONE_SLOT_DEPROVISION;
import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.testing.Previews;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * On the real API server: whatever frees a slot of a full namespace (the holder's expiry under
 * either policy, its deletion) admits the waiting preview at once. The operator from before this test
 * handed a slot freed by a Deprovision expiry over only at its next resync, ten hours later.
 */
@EndToEnd
class SlotHandOverE2E {
    /** From the slot freeing to the waiting preview's Deployment: a reconcile and a create, not a resync. */
    static final Duration AT_ONCE = Duration.ofSeconds(15);

    static final Duration EXPIRY = ONE_SLOT_DEPROVISION.ttl().plusSeconds(60);

    @Test
    void eachCauseHandsTheSlotToTheWaitingPreviewAtOnce(E2EEnvironment env) {
        try (TestNamespace kept = env.namespace("slot-kept", ONE_SLOT_DEPROVISION);
                TestNamespace deleted = env.namespace("slot-deleted", ONE_SLOT_DELETE);
                TestNamespace deletion = env.namespace("slot-deletion", ONE_SLOT_DEPROVISION)) {
            for (TestNamespace ns : new TestNamespace[] {kept, deleted, deletion}) {
                ns.create(Previews.preview(ns.name(), "holder", "feature/holder"));
                ns.awaitPreview("holder", ready());
                ns.create(Previews.preview(ns.name(), "next", "feature/next"));
                ns.awaitPreview("next", condition("Provisioned", "False", "DeploymentLimitExceeded"));
            }
            deletion.preview("holder").delete();
            Instant deletedAt = Instant.now();
            assertAdmittedWithin(deletion, deletedAt);

            kept.awaitPreview("holder", EXPIRY, phase(Phase.Expired));
            assertAdmittedWithin(kept, Instant.now());

            await("holder deleted at its expiry")
                    .atMost(EXPIRY)
                    .pollInterval(E2EEnvironment.POLL)
                    .until(() -> deleted.get("holder") == null);
            assertAdmittedWithin(deleted, Instant.now());
        }
    }

    private static void assertAdmittedWithin(TestNamespace ns, Instant freed) {
        await("preview next admitted in " + ns.name())
                .atMost(AT_ONCE)
                .pollInterval(E2EEnvironment.POLL)
                .until(() -> ns.deployment("next") != null);
        assertThat(Duration.between(freed, Instant.now())).isLessThan(AT_ONCE);
        ns.awaitPreview("next", ready());
    }
}
