package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.operator.EventRecorder.Type;
import dev.previews.operator.TransitionEvents.Notice;
import dev.previews.policy.ConditionSet;
import java.time.Instant;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class TransitionEventsTest {
    static PreviewDeploymentStatus status(String provisionedStatus, String reason, String message) {
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        s.setConditions(ConditionSet.put(
                s.getConditions(), "Provisioned", provisionedStatus, reason, message, 1L, Instant.EPOCH));
        return s;
    }

    @Test
    void oneEventPerTransitionAndNoneWhenNothingMoved() {
        PreviewDeploymentStatus provisioning = status("False", "Provisioning", "0 of 1");
        PreviewDeploymentStatus available = status("True", "Available", "1 of 1");
        assertThat(TransitionEvents.between(null, provisioning)).isEmpty();
        assertThat(TransitionEvents.between(provisioning, available))
                .containsExactly(new Notice(Type.Normal, "Provisioned", "1 of 1"));
        assertThat(TransitionEvents.between(available, available)).isEmpty();
        assertThat(TransitionEvents.between(available, status("True", "Available", "2 of 2")))
                .as("a new message of a Normal reason")
                .isEmpty();
    }

    @Test
    void warningsRepeatOnlyForANewMessage() {
        PreviewDeploymentStatus bad = status("False", "InvalidSpec", "spec.backend.image: unknown placeholder '{{a}}'");
        assertThat(TransitionEvents.between(null, bad))
                .extracting(Notice::type, Notice::reason)
                .containsExactly(Tuple.tuple(Type.Warning, "InvalidSpec"));
        assertThat(TransitionEvents.between(bad, bad)).isEmpty();
        assertThat(TransitionEvents.between(
                        bad, status("False", "InvalidSpec", "spec.backend.image: unknown placeholder '{{b}}'")))
                .hasSize(1);
    }

    @Test
    void seedStartedSucceededAndFailed() {
        PreviewDeploymentStatus before = status("True", "Available", "");
        PreviewDeploymentStatus started = status("True", "Available", "");
        started.setSeed(new SeedStatus("p-seed-a1b2c3d-abc123", "t", null, null));
        assertThat(TransitionEvents.between(before, started))
                .extracting(Notice::reason)
                .containsExactly("SeedStarted");

        PreviewDeploymentStatus succeeded = status("True", "Available", "");
        succeeded.setSeed(started.getSeed());
        succeeded.setConditions(ConditionSet.put(
                succeeded.getConditions(), "Seeded", "True", "SeedSucceeded", "ok", 1L, Instant.EPOCH));
        assertThat(TransitionEvents.between(started, succeeded))
                .extracting(Notice::reason)
                .containsExactly("Seeded");

        PreviewDeploymentStatus failed = status("True", "Available", "");
        failed.setSeed(started.getSeed());
        failed.setConditions(ConditionSet.put(
                failed.getConditions(), "SeedFailed", "True", "BackoffLimitExceeded", "boom", 1L, Instant.EPOCH));
        assertThat(TransitionEvents.between(started, failed))
                .containsExactly(new Notice(Type.Warning, "SeedFailed", "boom"));
    }
}
