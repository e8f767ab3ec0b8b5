package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionSetTest {
    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    static final Instant T1 = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void transitionTimeMovesOnlyWhenTheStatusMoves() {
        List<Condition> first = ConditionSet.put(List.of(), "Ready", "False", "Provisioning", "0 of 1", 1L, T0);
        List<Condition> sameStatus = ConditionSet.put(first, "Ready", "False", "Seeding", "seed running", 2L, T1);
        assertThat(sameStatus).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-02T09:00:00Z");
            assertThat(c.getReason()).isEqualTo("Seeding");
            assertThat(c.getObservedGeneration()).isEqualTo(2L);
        });
        List<Condition> flipped = ConditionSet.put(sameStatus, "Ready", "True", "Ready", "ok", 2L, T1);
        assertThat(flipped.get(0).getLastTransitionTime()).isEqualTo("2026-11-02T10:00:00Z");
    }

    @Test
    void keepsOtherConditionsInPlace() {
        List<Condition> two = ConditionSet.put(
                ConditionSet.put(List.of(), "Provisioned", "True", "Available", "", 1L, T0),
                "Ready",
                "True",
                "Ready",
                "",
                1L,
                T0);
        List<Condition> updated = ConditionSet.put(two, "Provisioned", "False", "Recreating", "", 2L, T1);
        assertThat(updated).extracting(Condition::getType).containsExactly("Provisioned", "Ready");
        assertThat(updated.get(1)).isEqualTo(two.get(1));
    }
}
