package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.sandbox.kubectl.Kubectl.Run;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the sandbox does not do, as the README's table under "Try it with kubectl" says kubectl reports it
 * (the refusals of server-side apply, strategic merge patch, dry runs and protobuf bodies are in
 * {@link KubectlWritesTest}).
 */
class KubectlLimitsTest extends SandboxForKubectl {
    @BeforeAll
    static void aPreview() {
        if (kubectl == null) return;
        applyExample("limits");
        waitReady("limits", "feature-login");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            scale deploy feature-login --replicas=2                | error: no kind "Deployment" is registered for version "apps/v1" in scheme "k8s.io/client-go/scale/util.go:146"
            top pods                                               | error: Metrics API not available
            logs deploy/feature-login --pod-running-timeout=1s     | error: timed out waiting for the condition
            exec deploy/feature-login --pod-running-timeout=1s -- ls | error: timed out waiting for the condition
            attach deploy/feature-login --pod-running-timeout=1s   | error: timed out waiting for the condition
            port-forward svc/feature-login 18999:80 --pod-running-timeout=1s | error: timed out waiting for the condition
            cp deploy/feature-login:/etc/hosts hosts               | Error from server (NotFound): pods "feature-login" not found
            set image deploy/feature-login backend=nginx           | error: failed to patch image update to pod template: strategic merge patch is not supported by the sandbox (kubectl apply, edit and patch send one for built-in kinds): use kubectl patch --type=merge or --type=json
            rollout restart deploy/feature-login                   | error: failed to patch: strategic merge patch is not supported by the sandbox (kubectl apply, edit and patch send one for built-in kinds): use kubectl patch --type=merge or --type=json
            auth can-i get pd                                      | Error from server (UnsupportedMediaType): kubectl sent a SelfSubjectAccessReview as protobuf, which the sandbox reads only for a Namespace, ConfigMap or Secret: write the SelfSubjectAccessReview to a file and kubectl apply -f it
            """)
    void answersAsTheReadmeSays(String command, String error) {
        Run run = kubectl.run(Map.of(), ("-n limits " + command).split(" +"));

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.err().strip()).as(run.toString()).isEqualTo(error);
    }
}
