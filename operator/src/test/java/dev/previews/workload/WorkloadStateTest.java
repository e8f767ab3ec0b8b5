package dev.previews.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

class WorkloadStateTest {
    static Deployment deployment(long generation, Long observed, int available) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("d")
                .withGeneration(generation)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(observed)
                .withReplicas(2)
                .withUpdatedReplicas(2)
                .withAvailableReplicas(available)
                .endStatus()
                .build();
    }

    @Test
    void deploymentHealthFollowsRolloutStatus() {
        assertThat(DeploymentHealth.of(deployment(2, 2L, 2)).state()).isEqualTo(DeploymentHealth.State.AVAILABLE);
        assertThat(DeploymentHealth.of(deployment(2, 2L, 1)).message()).isEqualTo("1 of 2 replicas available");
        assertThat(DeploymentHealth.of(deployment(3, 2L, 2)).state()).isEqualTo(DeploymentHealth.State.PROGRESSING);
        Deployment stalled = new DeploymentBuilder(deployment(2, 2L, 0))
                .editStatus()
                .addNewCondition()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("timed out")
                .endCondition()
                .endStatus()
                .build();
        assertThat(DeploymentHealth.of(stalled)).satisfies(h -> {
            assertThat(h.state()).isEqualTo(DeploymentHealth.State.FAILED);
            assertThat(h.message()).contains("ProgressDeadlineExceeded").contains("timed out");
        });
    }

    @Test
    void seedOutcomeFromJobConditions() {
        Job running =
                new JobBuilder().withNewMetadata().withName("j").endMetadata().build();
        assertThat(SeedOutcome.of(running).state()).isEqualTo(SeedOutcome.State.RUNNING);
        Job failed = new JobBuilder(running)
                .withNewStatus()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline")
                .withLastTransitionTime("2026-11-02T09:10:00Z")
                .endCondition()
                .endStatus()
                .build();
        assertThat(SeedOutcome.of(failed))
                .isEqualTo(new SeedOutcome.Outcome(
                        SeedOutcome.State.FAILED,
                        "DeadlineExceeded",
                        "Job was active longer than specified deadline",
                        "2026-11-02T09:10:00Z"));
    }

    @Test
    void seedOutputIsBoundedToTheLastLines() {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 100; i++) log.append("line ").append(i).append('\n');
        String tail = SeedOutcome.lastLines(log.toString());
        assertThat(tail.lines()).hasSize(SeedOutcome.MAX_OUTPUT_LINES).first().isEqualTo("line 81");
        assertThat(SeedOutcome.lastLines("x".repeat(10_000)))
                .hasSize(SeedOutcome.MAX_OUTPUT_CHARS + 3)
                .startsWith("...");
        assertThat(SeedOutcome.lastLines(null)).isEmpty();
    }
}
