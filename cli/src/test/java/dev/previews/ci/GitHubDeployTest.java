package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy, delete and prune with --github against the sandbox and a local server playing GitHub's
 * REST API: the exact requests, what GitHub holds afterwards, and that GitHub's failures are
 * warnings that leave the exit codes alone (unless --github-required).
 */
class GitHubDeployTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HEAD = Previews.COMMIT_B; // the pull request's head
    static final String MERGE = Previews.COMMIT_A; // GITHUB_SHA: the test merge commit
    static final String IMAGE = "registry.example.com/shop/api:{{shortCommit}}";
    static final String RUN = "https://github.example.com/acme/shop/actions/runs/555";

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;
    FakeGitHub github;

    @BeforeAll
    static void startSandbox() throws Exception {
        OperatorConfig config =
                OperatorConfig.defaults().withPlan(new Plan("tiny", Duration.ofDays(5), 1, ExpiryPolicy.Delete));
        sandbox = Sandbox.start(
                Sandbox.Options.defaults().withConfig(config).withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void startGitHub() throws Exception {
        github = new FakeGitHub();
    }

    @AfterEach
    void stopGitHub() {
        github.close();
    }

    /** A pull_request job of pull request 7 from the branch. */
    Map<String, String> pullRequest(String branch) throws Exception {
        Path event = Files.writeString(
                Files.createTempFile(tmp, "event", ".json"),
                "{\"action\":\"synchronize\",\"number\":7,\"pull_request\":{\"number\":7,\"head\":{\"ref\":\"" + branch
                        + "\",\"sha\":\"" + HEAD + "\"}}}");
        return github.env(
                "GITHUB_EVENT_NAME",
                "pull_request",
                "GITHUB_EVENT_PATH",
                event.toString(),
                "GITHUB_REF",
                "refs/pull/7/merge",
                "GITHUB_HEAD_REF",
                branch,
                "GITHUB_SHA",
                MERGE);
    }

    static CliRunner.Result cli(Map<String, String> env, String namespace, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--kubeconfig", kubeconfig.toString(), "-n", namespace, "--poll-interval", "50ms"));
        if (args[0].equals("deploy")) all.addAll(List.of("--timeout", "30s"));
        return CliRunner.run(env, tmp, all.toArray(String[]::new));
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    long deploymentId(int index) {
        return github.deployments.get(index).id();
    }

    @Test
    void aReadyPreviewIsADeploymentWithItsUrlAndOneCommentOnThePullRequest() throws Exception {
        String name = PreviewNaming.nameFor("feature/login");
        String url = "http://" + name + ".previews.example.com";

        CliRunner.Result r = cli(
                pullRequest("feature/login"),
                "gh",
                "deploy",
                "--image",
                IMAGE,
                "--seed-command",
                "/app/seed",
                "--ingress-host",
                "{{name}}.previews.example.com",
                "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(url + "\n");
        long id = deploymentId(0);
        long commentId = github.comments(7).get(0).id();
        assertThat(github.lines())
                .containsExactly(
                        "POST /repos/acme/shop/deployments",
                        "POST /repos/acme/shop/deployments/" + id + "/statuses",
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "POST /repos/acme/shop/issues/7/comments",
                        "POST /repos/acme/shop/deployments/" + id + "/statuses",
                        "PATCH /repos/acme/shop/issues/comments/" + commentId);
        assertThat(github.requests.get(0).body())
                .isEqualTo(json("{\"ref\":\"" + HEAD + "\",\"environment\":\"preview/feature/login\","
                        + "\"description\":\"Preview " + name + "\",\"auto_merge\":false,"
                        + "\"transient_environment\":true,\"production_environment\":false,\"required_contexts\":[]}"));
        assertThat(github.requests.get(1).body())
                .isEqualTo(json("{\"state\":\"in_progress\",\"log_url\":\"" + RUN + "\","
                        + "\"description\":\"Deploying preview " + name + " at a1b2c3d\"}"));
        assertThat(github.requests.get(4).body())
                .isEqualTo(json("{\"state\":\"success\",\"environment_url\":\"" + url + "\",\"log_url\":\"" + RUN
                        + "\",\"description\":\"Ready at " + url + "\"}"));
        assertThat(github.requests)
                .allSatisfy(req -> assertThat(req.headers())
                        .containsEntry("authorization", "Bearer " + FakeGitHub.TOKEN)
                        .containsEntry("accept", "application/vnd.github+json")
                        .containsEntry("x-github-api-version", "2022-11-28"));
        assertThat(github.requests.get(3).body().path("body").asText())
                .startsWith("<!-- preview-operator: preview gh/" + name + " -->\n### Preview `" + name
                        + "`: deploying `b2c3d4e`...");
        PreviewDeployment p = sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace("gh")
                .withName(name)
                .get();
        assertThat(github.comments(7))
                .singleElement()
                .satisfies(c -> assertThat(c.body())
                        .startsWith("<!-- preview-operator: preview gh/" + name + " -->\n### Preview `" + name
                                + "`: ready\n")
                        .contains("| URL | " + url + " |")
                        .contains("| Commit | `b2c3d4e` (the preview runs `a1b2c3d`) |")
                        .contains("| Phase | Ready |")
                        .contains("| Expires | " + p.getStatus().getExpiresAt() + " |")
                        .contains("`preview extend " + name + " -n gh --by 2d`")
                        .contains("`preview delete " + name + " -n gh`")
                        .contains("[this run](" + RUN + ")"));
        assertThat(r.err())
                .contains("GitHub: deployment " + id + " in environment preview/feature/login is in progress")
                .doesNotContain("warning")
                .doesNotContain(FakeGitHub.TOKEN);

        // the next push: a new deployment, the same comment
        github.reset();
        CliRunner.Result again = cli(pullRequest("feature/login"), "gh", "deploy", "--image", IMAGE, "--github");

        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(github.lines())
                .containsExactly(
                        "POST /repos/acme/shop/deployments",
                        "POST /repos/acme/shop/deployments/" + deploymentId(1) + "/statuses",
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "PATCH /repos/acme/shop/issues/comments/" + commentId,
                        "POST /repos/acme/shop/deployments/" + deploymentId(1) + "/statuses",
                        "PATCH /repos/acme/shop/issues/comments/" + commentId);
        assertThat(github.comments(7)).hasSize(1);
        assertThat(github.deployments)
                .extracting(FakeGitHub.Deployment::states)
                .containsExactly(List.of("in_progress", "success"), List.of("in_progress", "success"));
    }

    @Test
    void aFailedSeedIsAFailureWithTheSeedsLastLineAndTheSameExitCode() throws Exception {
        String name = PreviewNaming.nameFor("fix/orders");

        CliRunner.Result r = cli(
                pullRequest("fix/orders"),
                "ghseed",
                "deploy",
                "--image",
                IMAGE,
                "--seed-command",
                "/app/seed",
                "--seed-env",
                "SANDBOX_SEED_RESULT=fail",
                "--seed-env",
                "SANDBOX_SEED_OUTPUT=loading fixtures\nERROR: relation \"orders\" does not exist",
                "--github");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.SEED_FAILED);
        JsonNode failure = github.requests.get(4).body();
        assertThat(github.requests.get(4).line())
                .isEqualTo("POST /repos/acme/shop/deployments/" + deploymentId(0) + "/statuses");
        assertThat(failure.path("state").asText()).isEqualTo("failure");
        assertThat(failure.path("environment_url").asText())
                .as("the backend stays up")
                .isEqualTo("http://" + name + ".ghseed.svc.cluster.local");
        assertThat(failure.path("description").asText())
                .startsWith("the seed failed (")
                .endsWith("): ERROR: relation \"orders\" does not exist");
        assertThat(github.comments(7))
                .singleElement()
                .satisfies(c -> assertThat(c.body())
                        .contains("`: failed\n")
                        .contains("| Phase | SeedFailed |")
                        .contains("**Why:** the seed failed (")
                        .contains("<details><summary>What the deploy said</summary>")
                        .contains("loading fixtures")
                        .contains("(inside the cluster only)"));
    }

    @Test
    void theDeploymentLimitIsAFailureThatSaysSo() throws Exception {
        sandbox.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("ghlimit")
                        .withLabels(Map.of(OperatorConfig.PLAN_LABEL, "tiny"))
                        .endMetadata()
                        .build())
                .create();
        assertThat(cli(Map.of(), "ghlimit", "deploy", "--branch", "one", "--commit", MERGE, "--image", IMAGE)
                        .code())
                .isZero();

        CliRunner.Result r = cli(pullRequest("two"), "ghlimit", "deploy", "--image", IMAGE, "--github");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.LIMIT_REACHED);
        assertThat(github.deployments.get(0).states()).containsExactly("in_progress", "failure");
        assertThat(github.deployments
                        .get(0)
                        .statuses()
                        .get(1)
                        .path("description")
                        .asText())
                .startsWith("deployment limit reached: ")
                .endsWith("; the preview stays queued");
        assertThat(github.comments(7))
                .singleElement()
                .satisfies(c -> assertThat(c.body())
                        .contains("| Phase | LimitExceeded |")
                        .contains("**Why:** deployment limit reached"));
    }

    @Test
    void aRefusedDeployIsAFailureWithItsReasonAndKeepsExitCode2() throws Exception {
        assertThat(cli(
                                Map.of(),
                                "ghname",
                                "deploy",
                                "--branch",
                                "other",
                                "--commit",
                                MERGE,
                                "--image",
                                IMAGE,
                                "--name",
                                "taken")
                        .code())
                .isZero();

        CliRunner.Result r =
                cli(pullRequest("mine"), "ghname", "deploy", "--image", IMAGE, "--name", "taken", "--github");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(github.deployments.get(0).states()).containsExactly("in_progress", "failure");
        assertThat(github.deployments
                        .get(0)
                        .statuses()
                        .get(1)
                        .path("description")
                        .asText())
                .isEqualTo(
                        "the preview taken in namespace ghname belongs to branch other, not mine (a preview's branch "
                                + "cannot change).");
        assertThat(github.deployments.get(0).statuses().get(1).has("environment_url"))
                .isFalse();
        assertThat(github.comments(7))
                .singleElement()
                .satisfies(c -> assertThat(c.body())
                        .startsWith("<!-- preview-operator: preview ghname/taken -->\n### Preview `taken`: failed\n")
                        .contains("| URL | none: not provisioned |")
                        .contains("| Namespace | `ghname` |")
                        .contains("`preview delete taken -n ghname`"));
    }

    @Test
    void gitHubsFailuresAreWarningsAndTheDeploySucceeds() throws Exception {
        github.refuse(
                "POST",
                "/repos/acme/shop/deployments",
                403,
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", FakeGitHub.LIMIT_RESET),
                "{\"message\":\"API rate limit exceeded\"}");
        github.refuse("GET", "/repos/acme/shop/issues/7/comments", 404, Map.of(), "{\"message\":\"Not Found\"}");

        CliRunner.Result r = cli(pullRequest("warned"), "ghwarn", "deploy", "--image", IMAGE, "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("http://warned.ghwarn.svc.cluster.local\n");
        assertThat(r.err())
                .contains("preview: warning: GitHub: could not create the deployment: GitHub's API rate limit is used "
                        + "up (403 on POST /repos/acme/shop/deployments, limit 5000 requests); it resets at "
                        + "2026-01-01T00:00:00Z")
                .contains("preview: warning: GitHub: could not comment on pull request #7: GitHub answered 404 Not "
                        + "Found to GET /repos/acme/shop/issues/7/comments?per_page=100")
                .doesNotContain(FakeGitHub.TOKEN);
        assertThat(github.lines())
                .as("no status for a deployment that was not made")
                .containsExactly(
                        "POST /repos/acme/shop/deployments",
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "GET /repos/acme/shop/issues/7/comments?per_page=100");
    }

    @Test
    void anUnreachableGitHubIsAWarningToo() throws Exception {
        Map<String, String> env = new HashMap<>(pullRequest("offline"));
        github.close();

        CliRunner.Result r = cli(env, "ghoff", "deploy", "--image", IMAGE, "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err())
                .contains("preview: warning: GitHub: could not create the deployment: cannot reach "
                        + "GitHub's API at " + env.get("GITHUB_API_URL"));
    }

    @Test
    void githubRequiredMakesGitHubsFailureFatalBeforeAnythingIsWritten() throws Exception {
        github.refuse(
                "POST",
                "/repos/acme/shop/deployments",
                403,
                Map.of(),
                "{\"message\":\"Resource not accessible by integration\"}");

        CliRunner.Result r = cli(pullRequest("strict"), "ghreq", "deploy", "--image", IMAGE, "--github-required");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.err())
                .contains("preview: error: GitHub: could not create the deployment: GitHub refused POST "
                        + "/repos/acme/shop/deployments (403: Resource not accessible by integration)")
                .contains("(--github-required)");
        assertThat(sandbox.client()
                        .resources(PreviewDeployment.class)
                        .inNamespace("ghreq")
                        .list()
                        .getItems())
                .isEmpty();
    }

    @Test
    void withoutTheTokenGithubWarnsAndGithubRequiredIsInvalidInput() throws Exception {
        Map<String, String> env = new HashMap<>(pullRequest("notoken"));
        env.remove("GITHUB_TOKEN");

        CliRunner.Result warned = cli(env, "ghtoken", "deploy", "--image", IMAGE, "--github");
        assertThat(warned.code()).as(warned.toString()).isZero();
        assertThat(warned.err())
                .contains("preview: warning: --github: GITHUB_TOKEN is not set (pass it to the step: env: "
                        + "GITHUB_TOKEN: ${{ github.token }}); not reporting to GitHub");

        CliRunner.Result refused = cli(env, "ghtoken", "deploy", "--image", IMAGE, "--github-required");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(github.requests).isEmpty();

        CliRunner.Result noWait =
                cli(pullRequest("notoken"), "ghtoken", "deploy", "--image", IMAGE, "--github", "--no-wait");
        assertThat(noWait.code()).as(noWait.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(noWait.err())
                .contains("--github reports the deploy's outcome, so it cannot be combined with " + "--no-wait");
    }

    @Test
    void aPushHasADeploymentAndNoComment() throws Exception {
        Map<String, String> push = github.env(
                "GITHUB_EVENT_NAME",
                "push",
                "GITHUB_REF",
                "refs/heads/main",
                "GITHUB_REF_NAME",
                "main",
                "GITHUB_SHA",
                MERGE);

        CliRunner.Result r = cli(push, "ghpush", "deploy", "--image", IMAGE, "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(github.lines())
                .containsExactly(
                        "POST /repos/acme/shop/deployments",
                        "POST /repos/acme/shop/deployments/" + deploymentId(0) + "/statuses",
                        "POST /repos/acme/shop/deployments/" + deploymentId(0) + "/statuses");
        assertThat(github.deployments.get(0).ref()).isEqualTo(MERGE);
        assertThat(github.deployments.get(0).environment()).isEqualTo("preview/main");
    }

    @Test
    void deleteMarksTheBranchsDeploymentsInactiveAndSaysSoInTheComment() throws Exception {
        Map<String, String> pr = pullRequest("feature/gone");
        String name = PreviewNaming.nameFor("feature/gone");
        assertThat(cli(pr, "ghdel", "deploy", "--image", IMAGE, "--github").code())
                .isZero();
        assertThat(cli(pr, "ghdel", "deploy", "--image", IMAGE, "--github", "--reseed")
                        .code())
                .isZero();
        github.reset();

        CliRunner.Result r = cli(pr, "ghdel", "delete", "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("deleted preview " + name + " (branch feature/gone)\n");
        long commentId = github.comments(7).get(0).id();
        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/deployments?environment=preview%2Ffeature%2Fgone&per_page=100",
                        "POST /repos/acme/shop/deployments/" + deploymentId(1) + "/statuses",
                        "POST /repos/acme/shop/deployments/" + deploymentId(0) + "/statuses",
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "PATCH /repos/acme/shop/issues/comments/" + commentId);
        assertThat(github.requests.get(1).body())
                .isEqualTo(json("{\"state\":\"inactive\",\"log_url\":\"" + RUN + "\",\"description\":\"Preview "
                        + "deleted\"}"));
        assertThat(github.deployments)
                .extracting(FakeGitHub.Deployment::states)
                .containsExactly(
                        List.of("in_progress", "success", "inactive"), List.of("in_progress", "success", "inactive"));
        assertThat(github.comments(7))
                .singleElement()
                .satisfies(c -> assertThat(c.body()).contains("`: deleted\n").contains("The preview was deleted"));
        assertThat(r.err()).contains("GitHub: 2 deployment(s) in environment preview/feature/gone marked inactive");
    }

    @Test
    void pruneMarksThePrunedBranchesInactive() throws Exception {
        Map<String, String> push = github.env("GITHUB_REF", "refs/heads/main", "GITHUB_SHA", MERGE);
        for (String branch : List.of("keep", "stale")) {
            Map<String, String> env = new HashMap<>(push);
            env.put("GITHUB_REF_NAME", branch);
            assertThat(cli(env, "ghprune", "deploy", "--image", IMAGE, "--github")
                            .code())
                    .isZero();
        }
        github.reset();

        CliRunner.Result r = CliRunner.runWithStdin(
                push,
                tmp,
                "keep\n",
                "prune",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "ghprune",
                "--keep-branches",
                "-",
                "--poll-interval",
                "50ms",
                "--github");

        assertThat(r.code()).as(r.toString()).isZero();
        long stale = github.deployments.stream()
                .filter(d -> d.environment().equals("preview/stale"))
                .findFirst()
                .orElseThrow()
                .id();
        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/deployments?environment=preview%2Fstale&per_page=100",
                        "POST /repos/acme/shop/deployments/" + stale + "/statuses");
    }

    @Test
    void theDotenvFileCarriesTheUrlUnderFixedNames() throws Exception {
        Path dotenv = tmp.resolve("gitlab/preview.env");

        CliRunner.Result r = cli(
                Map.of("GITLAB_CI", "true", "CI_COMMIT_REF_NAME", "feature/dotenv", "CI_COMMIT_SHA", MERGE),
                "gldotenv",
                "deploy",
                "--image",
                IMAGE,
                "--ingress-host",
                "{{name}}.previews.example.com",
                "--url-env-var-name",
                "VITE_API_URL",
                "--dotenv",
                dotenv.toString());

        assertThat(r.code()).as(r.toString()).isZero();
        String name = PreviewNaming.nameFor("feature/dotenv");
        assertThat(Files.readString(dotenv))
                .isEqualTo("PREVIEW_URL=http://" + name + ".previews.example.com\n"
                        + "VITE_API_URL=http://" + name + ".previews.example.com\n"
                        + "PREVIEW_INTERNAL_URL=http://" + name + ".gldotenv.svc.cluster.local\n"
                        + "PREVIEW_NAME=" + name + "\nPREVIEW_NAMESPACE=gldotenv\n");
    }
}
