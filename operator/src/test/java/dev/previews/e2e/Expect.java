package dev.previews.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.function.Consumer;

/** Assertions on a preview as `kubectl get pd -o yaml` shows it. */
public final class Expect {
    private Expect() {}

    public static Consumer<PreviewDeployment> condition(String type, String status, String reason) {
        return p -> {
            assertThat(p.getStatus())
                    .as("status of %s", p.getMetadata().getName())
                    .isNotNull();
            Condition c = p.getStatus().condition(type).orElse(null);
            assertThat(c)
                    .as(
                            "condition %s of %s; conditions: %s",
                            type, p.getMetadata().getName(), p.getStatus().getConditions())
                    .isNotNull();
            assertThat(c.getStatus() + " " + c.getReason())
                    .as(
                            "condition %s of %s (message: %s)",
                            type, p.getMetadata().getName(), c.getMessage())
                    .isEqualTo(status + " " + (reason == null ? c.getReason() : reason));
        };
    }

    public static Consumer<PreviewDeployment> phase(Phase phase) {
        return p -> {
            assertThat(p.getStatus())
                    .as("status of %s", p.getMetadata().getName())
                    .isNotNull();
            assertThat(p.getStatus().getPhase())
                    .as(
                            "phase of %s; conditions: %s",
                            p.getMetadata().getName(), p.getStatus().getConditions())
                    .isEqualTo(phase);
        };
    }

    /** Ready=True, phase Ready, for the current generation. */
    public static Consumer<PreviewDeployment> ready() {
        return p -> {
            condition("Ready", "True", "Ready").accept(p);
            phase(Phase.Ready).accept(p);
            assertThat(p.getStatus().getObservedGeneration())
                    .as("observedGeneration")
                    .isEqualTo(p.getMetadata().getGeneration());
        };
    }

    public static String message(PreviewDeployment p, String type) {
        return p.getStatus().condition(type).map(Condition::getMessage).orElse(null);
    }
}
