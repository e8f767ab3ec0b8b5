package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.sandbox.Sandbox;
import dev.previews.simulator.ManualClock;
import dev.previews.testing.Previews;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-running a deploy after the preview expired under the Deprovision policy brings it back: the
 * same preview, woken, provisioned again with a fresh TTL and seeded.
 */
class DeployExpiredTest {
    @TempDir
    Path tmp;

    @Test
    void aRerunAtTheSameCommitProvisionsAnExpiredPreviewAgain() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-02T09:00:00Z"));
        OperatorConfig config = OperatorConfig.defaults()
                .withPlan(new Plan("starter", Duration.ofHours(1), 40, ExpiryPolicy.Deprovision));
        try (Sandbox sandbox = Sandbox.start(Sandbox.Options.defaults()
                .withConfig(config)
                .withClock(clock)
                .withSimulation(true, Duration.ofMillis(50)))) {
            Path kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
            String[] deploy = {
                "deploy",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "expiry",
                "--poll-interval",
                "50ms",
                "--timeout",
                "30s",
                "--branch",
                "old-pr",
                "--commit",
                Previews.COMMIT_A,
                "--image",
                "api:{{shortCommit}}"
            };
            assertThat(CliRunner.run(Map.of(), tmp, deploy).code()).isZero();
            String firstUid = preview(sandbox).getMetadata().getUid();

            clock.advance(Duration.ofHours(2));
            sandbox.operator().wakeUps().fireDue();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> preview(sandbox).getStatus().getPhase() == Phase.Expired);

            CliRunner.Result rerun = CliRunner.run(Map.of(), tmp, deploy);

            assertThat(rerun.code()).as(rerun.toString()).isZero();
            assertThat(rerun.err())
                    .contains("preview old-pr expired and its backend was removed; waking it provisions it again");
            PreviewDeployment again = preview(sandbox);
            assertThat(again.getMetadata().getUid()).as("the same preview").isEqualTo(firstUid);
            assertThat(Instant.parse(again.getStatus().getCreatedAt()))
                    .as("a new deployment")
                    .isEqualTo(clock.instant());
            assertThat(again.getStatus().getPhase()).isEqualTo(Phase.Ready);
        }
    }

    private static PreviewDeployment preview(Sandbox sandbox) {
        return sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace("expiry")
                .withName("old-pr")
                .get();
    }
}
