package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.sandbox.kubectl.Kubectl.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubectl apply, patch, annotate, label, edit and delete against the sandbox, and what it refuses. */
class KubectlWritesTest extends SandboxForKubectl {
    @Test
    void applyCreates_thenReplacesLists_andRemovesWhatTheManifestNoLongerHas() throws IOException {
        Run created = kubectl.run("apply", "-n", "writes-apply", "-f", EXAMPLE.toString());
        assertThat(created.out()).isEqualTo("previewdeployment.previews.dev/feature-login created\n");
        assertThat(kubectl.run("apply", "-n", "writes-apply", "-f", EXAMPLE.toString())
                        .out())
                .isEqualTo("previewdeployment.previews.dev/feature-login unchanged\n");

        String edited = Files.readString(EXAMPLE)
                .replace("command: [\"/app/seed\", \"--fixtures\", \"demo\"]", "command: [\"/app/seed\", \"--quick\"]")
                .replace("    readinessPath: /healthz\n", "");
        Run configured = kubectl.run(
                "apply", "-n", "writes-apply", "-f", file("edited.yaml", edited).toString());

        assertThat(configured.out()).isEqualTo("previewdeployment.previews.dev/feature-login configured\n");
        PreviewDeployment stored = stored("writes-apply", "feature-login");
        assertThat(stored.getSpec().getSeed().getCommand()).containsExactly("/app/seed", "--quick");
        assertThat(stored.getSpec().getBackend().getReadinessPath()).isNull();
        assertThat(stored.getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"))
                .contains("\"--quick\"")
                .doesNotContain("readinessPath");
    }

    @Test
    void applyRefusesWhatTheSchemaRefuses_withTheApiServersWords() throws IOException {
        Path bad = file("bad.yaml", """
                apiVersion: previews.dev/v1alpha1
                kind: PreviewDeployment
                metadata:
                  name: bad
                spec:
                  branch: feature/bad
                  commit: NOT-A-SHA
                  backend:
                    port: 70000
                """);

        Run run = kubectl.run("apply", "-n", "writes-invalid", "-f", bad.toString());

        assertThat(run.exit()).isOne();
        assertThat(run.err())
                .isEqualTo("The PreviewDeployment \"bad\" is invalid: \n"
                        + "* spec.backend.image: Required value\n"
                        + "* spec.backend.port: Invalid value: 70000: spec.backend.port in body should be less than or"
                        + " equal to 65535\n"
                        + "* spec.commit: Invalid value: \"NOT-A-SHA\": spec.commit in body should match"
                        + " '^[0-9a-f]{7,40}$'\n");
        assertThat(stored("writes-invalid", "bad")).isNull();
    }

    @Test
    void unknownFieldsAreRefusedAsKubectlAsks_orDropped() throws IOException {
        Path typo = file("typo.yaml", Files.readString(EXAMPLE).replace("  ttl: 3d\n", "  ttl: 3d\n  tll: 5d\n"));

        Run strict = kubectl.run("apply", "-n", "writes-unknown", "-f", typo.toString());
        assertThat(strict.exit()).isOne();
        assertThat(strict.err())
                .isEqualTo("Error from server (BadRequest): error when creating \"" + typo + "\": PreviewDeployment in"
                        + " version \"v1alpha1\" cannot be handled as a PreviewDeployment: strict decoding error:"
                        + " unknown field \"spec.tll\"\n");
        assertThat(stored("writes-unknown", "feature-login")).isNull();

        Run warned = kubectl.run("apply", "-n", "writes-unknown", "--validate=warn", "-f", typo.toString());
        assertThat(warned.exit()).as(warned.toString()).isZero();
        assertThat(warned.err()).isEqualTo("Warning: unknown field \"spec.tll\"\n");
        assertThat(kubectl.run("get", "pd", "feature-login", "-n", "writes-unknown", "-o", "jsonpath={.spec}")
                        .out())
                .contains("\"ttl\":\"3d\"")
                .doesNotContain("tll");
    }

    @Test
    void patchAnnotateLabelEditAndDelete() {
        kubectl.run("apply", "-n", "writes-patch", "-f", EXAMPLE.toString());

        assertThat(kubectl.run(
                                "patch",
                                "pd",
                                "feature-login",
                                "-n",
                                "writes-patch",
                                "--type",
                                "merge",
                                "-p",
                                "{\"spec\":{\"seed\":null,\"commit\":\"c0ffee0123456789c0ffee0123456789c0ffee01\"}}")
                        .out())
                .isEqualTo("previewdeployment.previews.dev/feature-login patched\n");
        assertThat(kubectl.run(
                                "patch",
                                "pd",
                                "feature-login",
                                "-n",
                                "writes-patch",
                                "--type",
                                "json",
                                "-p",
                                "[{\"op\":\"replace\",\"path\":\"/spec/ttl\",\"value\":\"2d\"}]")
                        .out())
                .isEqualTo("previewdeployment.previews.dev/feature-login patched\n");
        assertThat(kubectl.run(
                                "annotate",
                                "pd",
                                "feature-login",
                                "-n",
                                "writes-patch",
                                "previews.dev/reseed=1",
                                "--overwrite")
                        .out())
                .isEqualTo("previewdeployment.previews.dev/feature-login annotated\n");
        assertThat(kubectl.run("label", "pd", "feature-login", "-n", "writes-patch", "team=shop")
                        .out())
                .isEqualTo("previewdeployment.previews.dev/feature-login labeled\n");
        Run edit = kubectl.run(
                Map.of("KUBE_EDITOR", "sed -i 's/ttl: 2d/ttl: 1d/'"),
                "edit",
                "pd",
                "feature-login",
                "-n",
                "writes-patch");
        assertThat(edit.out()).as(edit.toString()).isEqualTo("previewdeployment.previews.dev/feature-login edited\n");

        PreviewDeployment stored = stored("writes-patch", "feature-login");
        assertThat(stored.getSpec().getSeed()).isNull();
        assertThat(stored.getSpec().getCommit()).isEqualTo("c0ffee0123456789c0ffee0123456789c0ffee01");
        assertThat(stored.getSpec().getTtl()).isEqualTo("1d");
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("previews.dev/reseed", "1");
        assertThat(stored.getMetadata().getLabels()).containsEntry("team", "shop");

        Run immutable = kubectl.run(
                "patch",
                "pd",
                "feature-login",
                "-n",
                "writes-patch",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"branch\":\"feature/other\"}}");
        assertThat(immutable.exit()).isOne();
        assertThat(immutable.err())
                .isEqualTo("The PreviewDeployment \"feature-login\" is invalid: spec.branch: Invalid value:"
                        + " \"feature/other\": branch is immutable: create a new preview for another branch\n");

        assertThat(kubectl.run("delete", "pd", "feature-login", "-n", "writes-patch")
                        .out())
                .isEqualTo("previewdeployment.previews.dev \"feature-login\" deleted\n");
        assertThat(stored("writes-patch", "feature-login")).isNull();
        await().atMost(Duration.ofSeconds(30)) // the garbage collector deletes what the preview owned
                .untilAsserted(() -> assertThat(kubectl.run("get", "deploy,svc,jobs", "-n", "writes-patch")
                                .err())
                        .isEqualTo("No resources found in writes-patch namespace.\n"));
        Run again = kubectl.run("delete", "pd", "feature-login", "-n", "writes-patch");
        assertThat(again.exit()).isOne();
        assertThat(again.err())
                .isEqualTo(
                        "Error from server (NotFound): previewdeployments.previews.dev \"feature-login\" not found\n");
    }

    @Test
    void createsWhatKubectlSendsAsProtobuf_namespacesConfigMapsSecrets_andDeletingTheNamespaceEmptiesIt() {
        assertThat(kubectl.run("create", "namespace", "writes-typed").out())
                .isEqualTo("namespace/writes-typed created\n");
        assertThat(kubectl.run("label", "namespace", "writes-typed", "previews.dev/plan=professional")
                        .out())
                .isEqualTo("namespace/writes-typed labeled\n");
        assertThat(kubectl.run("create", "configmap", "settings", "--from-literal=region=eu", "-n", "writes-typed")
                        .out())
                .isEqualTo("configmap/settings created\n");
        assertThat(kubectl.run(
                                "create",
                                "secret",
                                "generic",
                                "token",
                                "--from-literal=key=s3cr3t",
                                "-n",
                                "writes-typed")
                        .out())
                .isEqualTo("secret/token created\n");
        assertThat(kubectl.run("apply", "-n", "writes-typed", "-f", EXAMPLE.toString())
                        .exit())
                .isZero();
        Run again = kubectl.run("create", "-n", "writes-typed", "-f", EXAMPLE.toString());
        assertThat(again.err())
                .isEqualTo("Error from server (AlreadyExists): error when creating \"" + EXAMPLE + "\":"
                        + " previewdeployments.previews.dev \"feature-login\" already exists\n");

        assertThat(kubectl.run("get", "namespace", "writes-typed", "--show-labels")
                        .out())
                .containsPattern("writes-typed +Active +\\d+s +previews.dev/plan=professional");
        assertThat(kubectl.run("get", "configmap", "settings", "-n", "writes-typed", "-o", "jsonpath={.data.region}")
                        .out())
                .isEqualTo("eu");
        assertThat(kubectl.run("get", "secret", "token", "-n", "writes-typed", "-o", "jsonpath={.type} {.data.key}")
                        .out())
                .isEqualTo("Opaque czNjcjN0");

        assertThat(kubectl.run("delete", "namespace", "writes-typed").out())
                .isEqualTo("namespace \"writes-typed\" deleted\n");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(kubectl.run("get", "pd,deploy,cm,secret", "-n", "writes-typed")
                                .err())
                        .isEqualTo("No resources found in writes-typed namespace.\n"));
    }

    @Test
    void whatTheSandboxDoesNotDoIsRefusedSayingWhat() {
        kubectl.run("apply", "-n", "writes-refused", "-f", EXAMPLE.toString());

        Run serverSide = kubectl.run("apply", "--server-side", "-n", "writes-refused", "-f", EXAMPLE.toString());
        assertThat(serverSide.exit()).as(serverSide.toString()).isOne();
        assertThat(serverSide.err())
                .isEqualTo("error: Server-side apply not available on the server: (server-side apply is not supported"
                        + " by the sandbox: use kubectl apply without --server-side)\n");

        Run strategic = kubectl.run("patch", "pd", "feature-login", "-n", "writes-refused", "-p", "{\"spec\":{}}");
        assertThat(strategic.exit()).as(strategic.toString()).isOne();
        assertThat(strategic.err())
                .isEqualTo("error: application/strategic-merge-patch+json is not supported by previews.dev/v1alpha1,"
                        + " Kind=PreviewDeployment: the body of the request was in an unknown format - accepted media"
                        + " types include: application/json-patch+json, application/merge-patch+json\n");

        Run builtIn = kubectl.run(
                "patch", "deployment", "feature-login", "-n", "writes-refused", "-p", "{\"spec\":{\"replicas\":2}}");
        assertThat(builtIn.exit()).as(builtIn.toString()).isOne();
        assertThat(builtIn.err())
                .isEqualTo("error: application/strategic-merge-patch+json is not supported by apps/v1,"
                        + " Kind=Deployment: strategic merge patch is not supported by the sandbox (kubectl apply, edit and patch send one for built-in kinds): use kubectl patch"
                        + " --type=merge or --type=json\n");

        Run typed = kubectl.run("create", "deployment", "web", "--image=nginx", "-n", "writes-refused");
        assertThat(typed.exit()).as(typed.toString()).isOne();
        assertThat(typed.err())
                .isEqualTo("error: failed to create deployment: kubectl sent a Deployment as protobuf, which the"
                        + " sandbox reads only for a Namespace, ConfigMap or Secret: write the Deployment to a file"
                        + " and kubectl apply -f it\n");

        Run dryRun = kubectl.run("delete", "pd", "feature-login", "--dry-run=server", "-n", "writes-refused");
        assertThat(dryRun.exit()).as(dryRun.toString()).isOne();
        assertThat(dryRun.err())
                .isEqualTo("Error from server (BadRequest): dry run is not supported by the sandbox (it would make the"
                        + " change): leave out --dry-run=server\n");
        assertThat(stored("writes-refused", "feature-login")).isNotNull();
    }

    private static PreviewDeployment stored(String namespace, String name) {
        return sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private static Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
