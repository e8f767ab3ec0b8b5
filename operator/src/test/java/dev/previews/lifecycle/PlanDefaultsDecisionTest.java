package dev.previews.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.policy.Admission;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.policy.PodDefaults;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A change of the plan's defaults reaches a running preview's Deployment as an update, also when the
 * Deployment was verified to hold what the preview wanted before the change: what it is made from
 * names the defaults.
 */
class PlanDefaultsDecisionTest {
    static final PodDefaults LOGS =
            new PodDefaults(List.of(new EnvVar("LOG_LEVEL", "info", null)), List.of(), List.of(), null, null);

    @Test
    void aDeploymentVerifiedUnderTheOldDefaultsIsUpdatedToTheNewOnes_inPlace() {
        Scene ready = Scene.ready();
        Decision before = Lifecycle.decide(observed(ready, PodDefaults.NONE, Observed.Verified.NOTHING));
        Decision.Verify verified = before.actions().stream()
                .filter(a -> a instanceof Decision.Verify v && v.actual() instanceof Deployment)
                .map(Decision.Verify.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the Deployment holds: " + before.actions()));
        Observed.Verified remembered =
                (child, wanted) -> child == verified.actual() && wanted.equals(verified.wanted());

        assertThat(Lifecycle.decide(observed(ready, PodDefaults.NONE, remembered))
                        .actions())
                .as("unchanged defaults: nothing to build or compare")
                .noneMatch(a -> a instanceof Decision.Update
                        || a instanceof Decision.Verify v && v.actual() instanceof Deployment);

        Decision after = Lifecycle.decide(observed(ready, LOGS, remembered));

        assertThat(after.actions())
                .filteredOn(a -> a instanceof Decision.Update)
                .singleElement()
                .satisfies(a -> {
                    Decision.Update update = (Decision.Update) a;
                    assertThat(update.actual()).isSameAs(ready.deployment());
                    Deployment desired = (Deployment) update.desired();
                    assertThat(desired.getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getEnv())
                            .containsExactly(new EnvVar("LOG_LEVEL", "info", null));
                    assertThat(update.wanted()).isNotEqualTo(verified.wanted());
                });
        assertThat(after.actions())
                .as("an update, not a recreation")
                .noneMatch(a -> a instanceof Decision.Delete || a instanceof Decision.Create);
    }

    private static Observed observed(Scene s, PodDefaults defaults, Observed.Verified verified) {
        OperatorConfig config =
                Scene.CONFIG.withPlan(new Plan("std", Scene.TTL, 3, ExpiryPolicy.Deprovision).withDefaults(defaults));
        return new Observed(
                s.preview,
                Observed.PlanChoice.of(config, null),
                s.children,
                false,
                new Admission.Decision(true, 1, 3, 0),
                Optional.empty(),
                Observed.SeedOutput.NONE,
                verified,
                config,
                s.now);
    }
}
