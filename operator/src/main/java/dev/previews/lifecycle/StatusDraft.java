package dev.previews.lifecycle;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions;
import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Conditions.Seed;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.ConditionSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;

/**
 * The status a decision builds: a copy of the one last written, for the preview's current generation.
 * Conditions keep their lastTransitionTime unless their status moves (see ConditionSet).
 */
final class StatusDraft {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final PreviewDeploymentStatus status;
    private final Long generation;
    private final Instant now;

    StatusDraft(PreviewDeploymentStatus current, Long generation, Instant now) {
        this.status = current == null ? new PreviewDeploymentStatus() : JSON.clone(current);
        this.generation = generation;
        this.now = now;
        status.setObservedGeneration(generation);
    }

    PreviewDeploymentStatus status() {
        return status;
    }

    void condition(String type, String value, String reason, String message) {
        status.setConditions(ConditionSet.put(status.getConditions(), type, value, reason, message, generation, now));
    }

    void removeCondition(String type) {
        status.setConditions(new ArrayList<>(status.getConditions().stream()
                .filter(c -> !type.equals(c.getType()))
                .toList()));
    }

    boolean isTrue(String type) {
        return status.isTrue(type);
    }

    void phase(Phase phase) {
        status.setPhase(phase);
    }

    /** No deployment exists: nothing is provisioned, nothing to reach, no time to run out. */
    void noDeployment() {
        status.setCommit(null);
        status.setShortCommit(null);
        status.setCreatedAt(null);
        status.setExpiresAt(null);
        status.setUrl(null);
        status.setExternalUrl(null);
        status.setSeed(null);
        status.setNext(null);
    }

    void seedWaits(String message) {
        status.setSeed(null);
        condition(SEEDED, FALSE, Seed.WAITING, message);
        condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
    }

    /**
     * Provisioned=False for a reason that stops the lifecycle here; Ready says the same. The seed's
     * conditions stay as they were, or wait when there are none yet.
     */
    void blocked(String reason, String message, Phase phase) {
        condition(PROVISIONED, FALSE, reason, message);
        if (status.condition(SEEDED).isEmpty()) {
            seedWaits("the seed runs once the backend is available");
        }
        condition(READY, FALSE, reason, message);
        phase(phase);
    }

    /** Ready from Provisioned and Seeded, and the phase that sums them up. */
    void summarize() {
        boolean provisioned = status.isTrue(PROVISIONED);
        boolean seeded = status.isTrue(SEEDED);
        if (provisioned && seeded) {
            condition(
                    READY,
                    TRUE,
                    Conditions.Ready.READY,
                    "commit " + status.getShortCommit() + " is provisioned and seeded at " + status.getUrl());
            phase(Phase.Ready);
            return;
        }
        String blocking = provisioned ? SEEDED : PROVISIONED;
        var c = status.condition(blocking).orElseThrow();
        condition(READY, FALSE, c.getReason(), c.getMessage());
        if (provisioned) {
            phase(Seed.FAILED.equals(c.getReason()) ? Phase.SeedFailed : Phase.Seeding);
        } else {
            phase(
                    switch (c.getReason()) {
                        case Provisioned.PROVISION_FAILED -> Phase.Failed;
                        case Provisioned.SCALED_TO_ZERO, Provisioned.ASLEEP -> Phase.Asleep;
                        default -> Phase.Provisioning;
                    });
        }
    }
}
