package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.sandbox.kubectl.Kubectl.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl get (tables, -o wide, -o yaml, -A, -w), wait and describe against the sandbox. */
class KubectlReadsTest extends SandboxForKubectl {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void getPrintsThePrinterColumns_wideAddsTheOthers_andYamlTheObject() {
        applyExample("reads-get");
        waitReady("reads-get", "feature-login");

        Run get = kubectl.run("get", "pd", "-n", "reads-get");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out().lines())
                .hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0)).matches("NAME +BRANCH +COMMIT +PHASE +URL +EXPIRES +AGE"))
                .satisfies(
                        lines -> assertThat(lines.get(1))
                                .matches(
                                        "feature-login +feature/login +3f2a9c1 +Ready"
                                                + " +http://feature-login.reads-get.svc.cluster.local +\\d{4}-\\d\\d-\\d\\dT\\S+Z +\\d+s"));

        assertThat(kubectl.run("get", "pd", "-n", "reads-get", "-o", "wide").out())
                .containsPattern(
                        "NAME +BRANCH +COMMIT +PHASE +URL +EXPIRES +AGE +PLAN +SEEDED +EXTERNAL +NEXT +ROLLOVER\n")
                .containsPattern("feature-login +feature/login +3f2a9c1 +Ready +\\S+ +\\S+ +\\d+s +starter +True");
        assertThat(kubectl.run("get", "pd", "-A").out())
                .containsPattern("NAMESPACE +NAME +BRANCH")
                .containsPattern("reads-get +feature-login +feature/login +3f2a9c1");
        assertThat(kubectl.run("get", "preview", "feature-login", "-n", "reads-get", "-o", "yaml")
                        .out())
                .contains("apiVersion: previews.dev/v1alpha1\nkind: PreviewDeployment\n")
                .contains("kubectl.kubernetes.io/last-applied-configuration")
                .contains("  branch: feature/login\n")
                .contains("  phase: Ready\n");
        assertThat(kubectl.run("get", "pd", "feature-login", "-n", "reads-get", "-o", "jsonpath={.status.shortCommit}")
                        .out())
                .isEqualTo("3f2a9c1");

        Run missing = kubectl.run("get", "pd", "nope", "-n", "reads-get");
        assertThat(missing.exit()).isOne();
        assertThat(missing.err())
                .isEqualTo("Error from server (NotFound): previewdeployments.previews.dev \"nope\" not found\n");
    }

    @Test
    void getWatchPrintsEveryChange_andWhatItListedOnlyOnce() {
        applyExample("reads-watch");
        waitReady("reads-watch", "feature-login");

        // -v=6 logs the watch request once its answer starts: the patch must come after that to be a change
        try (Kubectl.Streaming watch =
                kubectl.start("get", "pd", "-n", "reads-watch", "-w", "--output-watch-events", "-v=6")) {
            await().atMost(BOUND)
                    .until(() ->
                            watch.lines().stream().anyMatch(l -> l.contains("watch=true") && l.contains("200 OK")));
            Run patch = kubectl.run(
                    "patch",
                    "pd",
                    "feature-login",
                    "-n",
                    "reads-watch",
                    "--type",
                    "merge",
                    "-p",
                    "{\"spec\":{\"commit\":\"c0ffee0123456789c0ffee0123456789c0ffee01\"}}");
            assertThat(patch.out()).isEqualTo("previewdeployment.previews.dev/feature-login patched\n");

            await().atMost(BOUND)
                    .until(() -> printed(watch).stream()
                            .anyMatch(l -> l.matches("MODIFIED +feature-login +feature/login +c0ffee0 +Ready .*")));
            List<String> lines = printed(watch);
            assertThat(lines.get(0)).matches("EVENT +NAME +BRANCH +COMMIT +PHASE +URL +EXPIRES +AGE");
            assertThat(lines).filteredOn(l -> l.startsWith("ADDED")).hasSize(1);
            assertThat(lines)
                    .anyMatch(l -> l.matches("MODIFIED +feature-login +feature/login +c0ffee0 +Provisioning .*"));
            assertThat(watch.alive()).isTrue();
        }
    }

    /** What kubectl printed, without its log lines. */
    private static List<String> printed(Kubectl.Streaming watch) {
        return watch.lines().stream().filter(l -> !l.matches("[IWE]\\d{4} .*")).toList();
    }

    @Test
    void waitTimesOut_whenTheConditionDoesNotCome() throws Exception {
        Path failing = dir.resolve("failing-seed.yaml");
        Files.writeString(failing, """
                apiVersion: previews.dev/v1alpha1
                kind: PreviewDeployment
                metadata:
                  name: fix-checkout
                spec:
                  branch: fix/checkout
                  commit: 9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b
                  backend:
                    image: ghcr.io/acme/shop-api:{{shortCommit}}
                  seed:
                    env:
                      - {name: SANDBOX_SEED_RESULT, value: fail}
                """);
        Run apply = kubectl.run("apply", "-n", "reads-wait", "-f", failing.toString());
        assertThat(apply.exit()).as(apply.toString()).isZero();

        Run failed = kubectl.run(
                "wait", "pd/fix-checkout", "-n", "reads-wait", "--for=condition=SeedFailed", "--timeout=30s");
        assertThat(failed.exit()).as(failed.toString()).isZero();
        Run ready = kubectl.run("wait", "pd/fix-checkout", "-n", "reads-wait", "--for=condition=Ready", "--timeout=1s");

        assertThat(ready.exit()).isOne();
        assertThat(ready.err())
                .isEqualTo("error: timed out waiting for the condition on previewdeployments/fix-checkout\n");
    }

    @Test
    void describeShowsThePreviewsEvents() {
        applyExample("reads-describe");
        waitReady("reads-describe", "feature-login");

        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(kubectl.run("describe", "pd", "feature-login", "-n", "reads-describe")
                                .out())
                        .contains("Name:         feature-login\n")
                        .contains("Kind:         PreviewDeployment\n")
                        .containsPattern("Branch: +feature/login")
                        .containsPattern("Type +Reason +Age +From +Message")
                        .containsPattern(
                                "Normal +Provisioned +\\S+ +preview-operator +backend for commit 3f2a9c1 is available")
                        .containsPattern(
                                "Normal +Seeded +\\S+ +preview-operator +seed Job feature-login-seed-3f2a9c1-\\w+"
                                        + " succeeded"));
    }

    @Test
    void getPrintsTheBuiltInKindsAsAClusterDoes() {
        applyExample("reads-builtin");
        waitReady("reads-builtin", "feature-login");

        Run get = kubectl.run("get", "deploy,svc,jobs", "-n", "reads-builtin");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out())
                .containsPattern(
                        "NAME +READY +UP-TO-DATE +AVAILABLE +AGE\ndeployment.apps/feature-login +1/1 +1 +1 +\\d+s")
                .containsPattern(
                        "NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\\(S\\) +AGE\nservice/feature-login +ClusterIP +\\S+"
                                + " +<none> +80/TCP +\\d+s")
                .containsPattern("NAME +STATUS +COMPLETIONS +DURATION +AGE\njob.batch/feature-login-seed-3f2a9c1-\\w+"
                        + " +Complete +1/1 +\\d+s +\\d+s");
        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(kubectl.run("get", "events", "-n", "reads-builtin")
                                .out())
                        .containsPattern("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE")
                        .containsPattern("\\d+s +Normal +Provisioned +previewdeployment/feature-login +backend for"
                                + " commit 3f2a9c1"));
    }
}
