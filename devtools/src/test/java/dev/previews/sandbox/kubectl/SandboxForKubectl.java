package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One sandbox per test class, with simulated workloads (fast), a kubeconfig for it, and the machine's
 * kubectl pointed at it. On a machine without kubectl each test is reported as skipped, saying why.
 */
abstract class SandboxForKubectl {
    static final Path EXAMPLE = Repository.path("examples", "preview.yaml");

    static Sandbox sandbox;
    static Kubectl kubectl;
    static Path dir;

    @BeforeAll
    static void startSandbox() throws IOException {
        if (Kubectl.binary().isEmpty()) return; // each test says it is skipped, and why
        dir = Files.createTempDirectory("kubectl-test");
        sandbox = Sandbox.start(Sandbox.Options.defaults().withSimulation(true, Duration.ofMillis(100)));
        kubectl = new Kubectl(sandbox.writeKubeconfig(dir.resolve("kubeconfig")), dir);
    }

    @BeforeEach
    void kubectlInstalled() {
        Kubectl.assumeInstalled();
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) sandbox.close();
    }

    /** {@code kubectl apply -f examples/preview.yaml -n NAMESPACE}: the preview feature-login. */
    static void applyExample(String namespace) {
        Kubectl.Run run = kubectl.run("apply", "-f", EXAMPLE.toString(), "-n", namespace);
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    /** {@code kubectl wait --for=condition=Ready}, which must succeed. */
    static void waitReady(String namespace, String preview) {
        Kubectl.Run run =
                kubectl.run("wait", "pd/" + preview, "-n", namespace, "--for=condition=Ready", "--timeout=30s");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("previewdeployment.previews.dev/" + preview + " condition met\n");
    }
}
