package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.sandbox.kubectl.Kubectl.Run;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's walk-through ("Try it with kubectl"), command by command, in the default namespace. */
class KubectlWalkthroughTest extends SandboxForKubectl {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void theReadmesCommandsDoWhatItSays() {
        Run apply = kubectl.run("apply", "-f", EXAMPLE.toString());
        assertThat(apply.out())
                .as(apply.toString())
                .isEqualTo("previewdeployment.previews.dev/feature-login created\n");
        Run wait = kubectl.run("wait", "pd/feature-login", "--for=condition=Ready", "--timeout=60s");
        assertThat(wait.out())
                .as(wait.toString())
                .isEqualTo("previewdeployment.previews.dev/feature-login condition met\n");

        try (Kubectl.Streaming watch = kubectl.start("get", "pd", "-w", "-v=6")) {
            await().atMost(BOUND)
                    .until(() ->
                            watch.lines().stream().anyMatch(l -> l.contains("watch=true") && l.contains("200 OK")));
            Run patch = kubectl.run(
                    "patch",
                    "pd",
                    "feature-login",
                    "--type",
                    "merge",
                    "-p",
                    "{\"spec\":{\"commit\":\"c0ffee0123456789c0ffee0123456789c0ffee01\"}}");
            assertThat(patch.out()).isEqualTo("previewdeployment.previews.dev/feature-login patched\n");
            await().atMost(BOUND)
                    .until(() -> watch.lines().stream()
                            .anyMatch(
                                    l -> l.matches("feature-login +feature/login +c0ffee0 +Ready +http://feature-login"
                                            + ".default.svc.cluster.local .*")));
            assertThat(watch.lines())
                    .anyMatch(l -> l.matches("feature-login +feature/login +c0ffee0 +Provisioning .*"))
                    .anyMatch(l -> l.matches("feature-login +feature/login +c0ffee0 +Seeding .*"));
        }

        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(
                                kubectl.run("describe", "pd", "feature-login").out())
                        .containsPattern("Phase: +Ready")
                        .containsPattern("Short Commit: +c0ffee0")
                        .containsPattern("Normal +Recreating .* deleting the backend of commit 3f2a9c1 before creating"
                                + " commit c0ffee0")
                        .containsPattern("Normal +Seeded .* seed Job feature-login-seed-c0ffee0-\\w+ succeeded"));
        assertThat(kubectl.run("get", "deploy,svc,jobs,events").out())
                .containsPattern("deployment.apps/feature-login +1/1")
                .containsPattern("service/feature-login +ClusterIP")
                .containsPattern("job.batch/feature-login-seed-c0ffee0-\\w+ +Complete")
                .containsPattern("Normal +Recreating +previewdeployment/feature-login");

        assertThat(kubectl.run("delete", "pd", "feature-login").out())
                .isEqualTo("previewdeployment.previews.dev \"feature-login\" deleted\n");
        await().atMost(BOUND)
                .untilAsserted(
                        () -> assertThat(kubectl.run("get", "deploy,svc,jobs").err())
                                .isEqualTo("No resources found in default namespace.\n"));
    }
}
