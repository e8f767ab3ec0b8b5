package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.Rollover;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.sandbox.Sandbox;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `deploy` against the sandbox: the real operator on the CRUD mock API, workloads simulated. */
class DeployCommandTest {
    static final String SHA_A = Previews.COMMIT_A;
    static final String SHA_B = Previews.COMMIT_B;
    static final String IMAGE = "registry.example.com/shop/api:{{shortCommit}}";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        OperatorConfig config =
                OperatorConfig.defaults().withPlan(new Plan("tiny", Duration.ofDays(5), 1, ExpiryPolicy.Delete));
        sandbox = Sandbox.start(
                Sandbox.Options.defaults().withConfig(config).withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static CliRunner.Result deploy(Map<String, String> env, String namespace, String... args) {
        List<String> all = new ArrayList<>(
                List.of("deploy", "--kubeconfig", kubeconfig.toString(), "-n", namespace, "--poll-interval", "50ms"));
        all.addAll(List.of(args));
        if (!all.contains("--timeout")) all.addAll(List.of("--timeout", "30s"));
        return CliRunner.run(env, tmp, all.toArray(String[]::new));
    }

    static PreviewDeployment get(String namespace, String name) {
        return sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    static void assertNoStackTrace(CliRunner.Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void readyInGitHubActionsPrintsTheUrlAndWritesStepOutputs() throws Exception {
        Path githubOutput = Files.writeString(tmp.resolve("github-output"), "earlier=step\n");
        Map<String, String> github = Map.of(
                "GITHUB_ACTIONS",
                "true",
                "GITHUB_HEAD_REF",
                "feature/Login",
                "GITHUB_REF_NAME",
                "7/merge",
                "GITHUB_SHA",
                SHA_A,
                "GITHUB_OUTPUT",
                githubOutput.toString());
        String name = PreviewNaming.nameFor("feature/Login");

        CliRunner.Result r = deploy(
                github, "ready", "--image", IMAGE, "--seed-command", "/app/seed --fixtures demo", "--github-output");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        String url = "http://" + name + ".ready.svc.cluster.local";
        assertThat(r.out()).isEqualTo(url + "\n");
        assertThat(r.err())
                .contains("deploying branch feature/Login at commit a1b2c3d as preview " + name
                        + " in namespace ready (from GitHub Actions)")
                .contains("] Ready: commit a1b2c3d is provisioned and seeded");
        PreviewDeployment p = get("ready", name);
        assertThat(p.getSpec().getBranch()).isEqualTo("feature/Login");
        assertThat(p.getSpec().getSeed().getCommand()).containsExactly("/app/seed", "--fixtures", "demo");
        assertThat(p.getStatus().isTrue("Ready")).isTrue();
        assertThat(p.getStatus().reason("Seeded")).isEqualTo("SeedSucceeded");
        assertThat(Files.readString(githubOutput))
                .isEqualTo("earlier=step\nurl=" + url + "\ninternal-url=" + url + "\nname=" + name
                        + "\nnamespace=ready\n");
        assertNoStackTrace(r);
    }

    @Test
    void updatesAnExistingPreviewKeepingWhatItDoesNotSet() {
        PreviewDeployment mine = Previews.preview("update", "cart", "cart");
        mine.getMetadata().setLabels(Map.of("team", "checkout"));
        mine.getMetadata().setAnnotations(Map.of("example.com/owner", "ana"));
        mine.getSpec().getBackend().setEnv(List.of(new EnvVar("A", "1", null), new EnvVar("B", "2", null)));
        mine.getSpec()
                .getBackend()
                .setResources(new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("256Mi"))
                        .build());
        mine.getSpec().getBackend().setReadinessPath("/healthz");
        sandbox.client().resource(mine).create();
        await().atMost(WAIT)
                .until(() -> get("update", "cart").getStatus() != null
                        && get("update", "cart").getStatus().isTrue("Ready"));

        CliRunner.Result r = deploy(
                Map.of(),
                "update",
                "--branch",
                "cart",
                "--commit",
                SHA_B,
                "--env",
                "B=3",
                "--env",
                "C=4",
                "--label",
                "app=shop");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.err()).contains("updated PreviewDeployment cart (was commit a1b2c3d)");
        PreviewDeployment p = get("update", "cart");
        assertThat(p.getMetadata().getLabels())
                .containsEntry("team", "checkout")
                .containsEntry("app", "shop");
        assertThat(p.getMetadata().getAnnotations()).containsEntry("example.com/owner", "ana");
        assertThat(p.getSpec().getCommit()).isEqualTo(SHA_B);
        assertThat(p.getSpec().getBackend().getImage()).isEqualTo(IMAGE);
        assertThat(p.getSpec().getBackend().getReadinessPath()).isEqualTo("/healthz");
        assertThat(p.getSpec().getBackend().getResources().getLimits()).containsKey("memory");
        assertThat(p.getSpec().getBackend().getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(Tuple.tuple("A", "1"), Tuple.tuple("B", "3"), Tuple.tuple("C", "4"));
        assertThat(p.getStatus().getCommit()).isEqualTo(SHA_B);
        assertThat(p.getStatus().isTrue("Ready")).isTrue();
        assertThat(sandbox.client()
                        .apps()
                        .deployments()
                        .inNamespace("update")
                        .withName("cart")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith(":" + PreviewNames.shortCommit(SHA_B));
    }

    @Test
    void cmdRunsWithTheUrlInTheNamedVariableBeforeTheUrlIsPrinted() throws Exception {
        Path seen = tmp.resolve("seen-url");
        Path dotenv = tmp.resolve("out/preview.env");
        CliRunner.Result r = deploy(
                Map.of("PATH", System.getenv("PATH")),
                "cmd",
                "--branch",
                "search",
                "--commit",
                SHA_A,
                "--image",
                IMAGE,
                "--cmd",
                "printf '%s' \"$API_URL\" > '" + seen + "'; echo built for $PREVIEW_NAME",
                "--url-env-var-name",
                "API_URL",
                "--output-file",
                dotenv.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        String url = "http://search.cmd.svc.cluster.local";
        assertThat(Files.readString(seen)).isEqualTo(url);
        assertThat(r.out()).as("the command's output goes to stderr").isEqualTo(url + "\n");
        assertThat(r.err()).contains("running --cmd with API_URL=" + url).contains("built for search");
        assertThat(Files.readString(dotenv))
                .isEqualTo("PREVIEW_URL=" + url + "\nAPI_URL=" + url + "\nPREVIEW_INTERNAL_URL=" + url
                        + "\nPREVIEW_NAME=search\nPREVIEW_NAMESPACE=cmd\n");
    }

    @Test
    void aFailingCmdExits7() {
        CliRunner.Result r = deploy(
                Map.of(),
                "cmdfail",
                "--branch",
                "broken-build",
                "--commit",
                SHA_A,
                "--image",
                IMAGE,
                "--cmd",
                "echo compiling; exit 3");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.COMMAND_FAILED);
        assertThat(r.err()).contains("compiling").contains("--cmd exited with status 3");
        assertThat(r.out()).isEmpty();
        assertNoStackTrace(r);
    }

    @Test
    void aFailedSeedExits4WithItsOutputAndLeavesThePreviewProvisioned() {
        String[] args = {
            "--branch",
            "fix/orders",
            "--commit",
            SHA_A,
            "--image",
            IMAGE,
            "--seed-command",
            "/app/seed",
            "--seed-env",
            "SANDBOX_SEED_RESULT=fail",
            "--seed-env",
            "SANDBOX_SEED_OUTPUT=loading fixtures: users ok\nERROR: relation \"orders\" does not exist"
        };
        String name = PreviewNaming.nameFor("fix/orders");

        CliRunner.Result r = deploy(Map.of(), "seedfail", args);

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.SEED_FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("the seed of preview " + name
                        + " failed for commit a1b2c3d; the backend stays provisioned at http://" + name
                        + ".seedfail.svc.cluster.local")
                .contains("ERROR: relation \"orders\" does not exist")
                .contains("--reseed");
        assertNoStackTrace(r);
        PreviewDeployment p = get("seedfail", name);
        assertThat(p).isNotNull();
        assertThat(p.getStatus().getPhase()).isEqualTo(Phase.SeedFailed);
        assertThat(p.getStatus().isTrue("Provisioned")).isTrue();
        assertThat(sandbox.client()
                        .apps()
                        .deployments()
                        .inNamespace("seedfail")
                        .withName(name)
                        .get())
                .isNotNull();
        String firstJob = p.getStatus().getSeed().getJobName();

        CliRunner.Result again = deploy(Map.of(), "seedfail", append(args, "--reseed"));

        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.SEED_FAILED);
        assertThat(get("seedfail", name).getStatus().getSeed().getJobName())
                .as("a new seed run was judged")
                .isNotEqualTo(firstJob);
    }

    @Test
    void blueGreen_aFailedSeedOfTheNextCommitExits4_andTheOldCommitServesOn() {
        String name = PreviewNaming.nameFor("feature/blue");
        String[] first = {
            "--branch",
            "feature/blue",
            "--commit",
            SHA_A,
            "--image",
            IMAGE,
            "--rollover",
            "BlueGreen",
            "--seed-command",
            "/app/seed"
        };
        CliRunner.Result ready = deploy(Map.of(), "bluegreen", first);
        assertThat(ready.code()).as(ready.toString()).isEqualTo(ExitCodes.OK);
        assertThat(get("bluegreen", name).getSpec().getRollover()).isEqualTo(Rollover.BlueGreen);

        CliRunner.Result failed = deploy(
                Map.of(),
                "bluegreen",
                "--branch",
                "feature/blue",
                "--commit",
                SHA_B,
                "--seed-env",
                "SANDBOX_SEED_RESULT=fail",
                "--seed-env",
                "SANDBOX_SEED_OUTPUT=ERROR: relation \"orders\" does not exist");

        assertThat(failed.code()).as(failed.toString()).isEqualTo(ExitCodes.SEED_FAILED);
        assertThat(failed.err())
                .contains(
                        "failed for commit b2c3d4e during its BlueGreen rollover; commit a1b2c3d keeps serving at http://"
                                + name + ".bluegreen.svc.cluster.local")
                .contains("relation \"orders\" does not exist");
        assertNoStackTrace(failed);
        PreviewDeployment p = get("bluegreen", name);
        assertThat(p.getStatus().getCommit()).isEqualTo(SHA_A);
        assertThat(p.getStatus().isTrue("Ready")).isTrue();

        CliRunner.Result fixed = deploy(
                Map.of(),
                "bluegreen",
                "--branch",
                "feature/blue",
                "--commit",
                Previews.COMMIT_C,
                "--seed-env",
                "SANDBOX_SEED_RESULT=succeed");
        assertThat(fixed.code()).as(fixed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(get("bluegreen", name).getStatus().getCommit()).isEqualTo(Previews.COMMIT_C);
    }

    @Test
    void invalidInputExits2BeforeWritingAnything() {
        CliRunner.Result badCommit = deploy(Map.of(), "invalid", "--branch", "x", "--commit", "HEAD", "--image", IMAGE);
        assertThat(badCommit.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badCommit.err()).contains("commit 'HEAD' is not a git commit SHA");

        CliRunner.Result noSource = deploy(Map.of("HOME", tmp.toString()), "invalid", "--image", IMAGE);
        assertThat(noSource.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(noSource.err())
                .contains("cannot tell which branch and commit to deploy")
                .contains("VERCEL_GIT_COMMIT_REF")
                .contains("COMMIT_REF")
                .contains("GITHUB_SHA")
                .contains("CI_COMMIT_SHA");

        CliRunner.Result badPort =
                deploy(Map.of(), "invalid", "--branch", "x", "--commit", SHA_A, "--image", IMAGE, "--port", "70000");
        assertThat(badPort.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badPort.err()).contains("spec.backend.port 70000 is not between 1 and 65535");

        CliRunner.Result noImage = deploy(Map.of(), "invalid", "--branch", "x", "--commit", SHA_A);
        assertThat(noImage.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(noImage.err()).contains("no backend image: pass --image");

        CliRunner.Result badName = deploy(
                Map.of(), "invalid", "--branch", "x", "--commit", SHA_A, "--image", IMAGE, "--name", "Not_Valid");
        assertThat(badName.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badName.err()).contains("'Not_Valid' is not a valid Service name");

        CliRunner.Result badFlag = deploy(Map.of(), "invalid", "--timeout", "soon");
        assertThat(badFlag.code()).isEqualTo(ExitCodes.INVALID_INPUT);

        for (CliRunner.Result r : List.of(badCommit, noSource, badPort, noImage, badName, badFlag)) {
            assertThat(r.out()).isEmpty();
            assertNoStackTrace(r);
        }
        assertThat(sandbox.client()
                        .resources(PreviewDeployment.class)
                        .inNamespace("invalid")
                        .list()
                        .getItems())
                .isEmpty();
    }

    @Test
    void aTemplateIsTheStartingPointAndUnknownFieldsAreRefused() throws Exception {
        Path template = Files.writeString(tmp.resolve("preview.yaml"), """
        apiVersion: previews.dev/v1alpha1
        kind: PreviewDeployment
        metadata:
          name: shop-preview
          labels:
            app: shop
        spec:
          branch: main
          commit: c3d4e5f60718293a4b5c6d7e8f90123456789012
          backend:
            image: registry.example.com/shop/api:{{shortCommit}}
            port: 3000
            env:
              - name: LOG_LEVEL
                value: debug
          seed:
            command: ["/app/seed"]
          ttl: 2d
        """);
        CliRunner.Result r = deploy(
                Map.of(),
                "template",
                "--branch",
                "Feature/Template",
                "--commit",
                SHA_A,
                "-f",
                template.toString(),
                "--env",
                "LOG_LEVEL=info");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.err())
                .contains("the template's metadata.name shop-preview is not used for branch Feature/Template");
        PreviewDeployment p = get("template", PreviewNaming.nameFor("Feature/Template"));
        assertThat(p.getSpec().getCommit()).isEqualTo(SHA_A);
        assertThat(p.getMetadata().getLabels()).containsEntry("app", "shop");
        assertThat(p.getSpec().getBackend().getPort()).isEqualTo(3000);
        assertThat(p.getSpec().getBackend().getEnv()).containsExactly(new EnvVar("LOG_LEVEL", "info", null));
        assertThat(p.getSpec().getTtl()).isEqualTo("2d");
        assertThat(p.getSpec().getSeed().getCommand()).containsExactly("/app/seed");

        CliRunner.Result asIs = deploy(Map.of(), "template", "-f", template.toString());
        assertThat(asIs.code()).as(asIs.toString()).isEqualTo(ExitCodes.OK);
        assertThat(asIs.err()).contains("as preview shop-preview in namespace template (from the template)");
        assertThat(get("template", "shop-preview").getSpec().getBranch()).isEqualTo("main");

        Path typo = Files.writeString(tmp.resolve("typo.yaml"), "spec:\n  backend:\n    imag: api:latest\n");
        CliRunner.Result refused =
                deploy(Map.of(), "template", "--branch", "typo", "--commit", SHA_A, "-f", typo.toString());
        assertThat(refused.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(refused.err())
                .contains("the template " + typo
                        + " does not fit the PreviewDeployment schema: unknown field spec.backend.imag");
    }

    @Test
    void aNameHeldByAnotherBranchIsRefused() {
        sandbox.client()
                .resource(Previews.preview("taken", "shared", "feature/other"))
                .create();
        CliRunner.Result r = deploy(
                Map.of(), "taken", "--branch", "feature/mine", "--commit", SHA_A, "--image", IMAGE, "--name", "shared");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err())
                .contains("the preview shared in namespace taken belongs to branch feature/other, not feature/mine");
        assertThat(get("taken", "shared").getSpec().getBranch()).isEqualTo("feature/other");

        sandbox.client()
                .resource(Previews.preview("taken", "hand-made", "feature/hand"))
                .create();
        CliRunner.Result other =
                deploy(Map.of(), "taken", "--branch", "feature/hand", "--commit", SHA_A, "--image", IMAGE);
        assertThat(other.code()).as(other.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(other.err())
                .contains("branch feature/hand already has the preview hand-made")
                .contains("--name hand-made");
    }

    @Test
    void aBackendThatCannotBeProvisionedExits3() {
        String name = PreviewNaming.nameFor("feature/clash");
        sandbox.client()
                .services()
                .inNamespace("clash")
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();

        CliRunner.Result r =
                deploy(Map.of(), "clash", "--branch", "feature/clash", "--commit", SHA_A, "--image", IMAGE);

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.PROVISION_FAILED);
        assertThat(r.err())
                .contains("provisioning preview " + name + " failed (ProvisionFailed)")
                .contains("Service " + name + " already exists and does not belong to this preview");
        assertNoStackTrace(r);
    }

    @Test
    void theDeploymentLimitExits5AndWaitForSlotWaitsUntilOneFrees() throws Exception {
        tinyNamespace("limit");
        assertThat(deploy(Map.of(), "limit", "--branch", "one", "--commit", SHA_A, "--image", IMAGE)
                        .code())
                .isZero();

        CliRunner.Result r = deploy(Map.of(), "limit", "--branch", "two", "--commit", SHA_A, "--image", IMAGE);

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.LIMIT_REACHED);
        assertThat(r.err()).contains("deployment limit reached").contains("stays queued");
        assertThat(get("limit", "two").getStatus().getPhase()).isEqualTo(Phase.LimitExceeded);

        CliRunner.Running waiting = CliRunner.start(
                Map.of(),
                tmp,
                "deploy",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "limit",
                "--poll-interval",
                "50ms",
                "--timeout",
                "30s",
                "--branch",
                "two",
                "--commit",
                SHA_A,
                "--image",
                IMAGE,
                "--wait-for-slot");
        await().atMost(WAIT)
                .until(() -> waiting.err().toString().contains("LimitExceeded")
                        || waiting.result().isDone());
        assertThat(waiting.result()).as("still waiting for a slot").isNotDone();
        CliRunner.Result deleted = CliRunner.run(
                Map.of(),
                tmp,
                "delete",
                "one",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "limit",
                "--poll-interval",
                "50ms");
        assertThat(deleted.code()).as(deleted.toString()).isZero();
        CliRunner.Result admitted = waiting.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(admitted.code()).as(admitted.toString()).isEqualTo(ExitCodes.OK);
        assertThat(admitted.out()).isEqualTo("http://two.limit.svc.cluster.local\n");
    }

    @Test
    void theTimeoutExits6AndSaysWhereThePreviewStands() {
        tinyNamespace("full");
        assertThat(deploy(Map.of(), "full", "--branch", "first", "--commit", SHA_A, "--image", IMAGE)
                        .code())
                .isZero();

        CliRunner.Result r = deploy(
                Map.of(),
                "full",
                "--branch",
                "second",
                "--commit",
                SHA_A,
                "--image",
                IMAGE,
                "--wait-for-slot",
                "--timeout",
                "1s");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(r.err())
                .contains("timed out after 1s waiting for preview second to be provisioned (last: LimitExceeded")
                .contains("preview status second -n full");
        assertNoStackTrace(r);
    }

    @Test
    void noWaitReturnsTheNameOnceWritten() {
        CliRunner.Result r =
                deploy(Map.of(), "nowait", "--branch", "quick", "--commit", SHA_A, "--image", IMAGE, "--no-wait");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).isEqualTo("quick\n");
        assertThat(get("nowait", "quick")).isNotNull();
    }

    private static void tinyNamespace(String name) {
        sandbox.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of(OperatorConfig.PLAN_LABEL, "tiny"))
                        .endMetadata()
                        .build())
                .create();
    }

    private static String[] append(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
