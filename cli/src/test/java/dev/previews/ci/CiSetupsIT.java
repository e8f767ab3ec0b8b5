package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Previews;
import dev.previews.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ready-made CI steps with the packaged CLI against the sandbox: the GitHub Action (action.yml's
 * steps, the jar fetched by curl, GitHub played by a local server) and the GitLab CI template's jobs.
 */
class CiSetupsIT {
    static final Path JAR = Path.of("target/preview.jar").toAbsolutePath();
    static final String IMAGE = "registry.example.com/shop/api:{{shortCommit}}";

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(Sandbox.Options.defaults().withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static PreviewDeployment preview(String namespace, String name) {
        return sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    @Test
    void theGitHubActionDeploysReportsAndDeletes() throws Exception {
        try (FakeGitHub github = new FakeGitHub()) {
            Path event = Files.writeString(
                    tmp.resolve("event.json"),
                    "{\"pull_request\":{\"number\":7,\"head\":{\"sha\":\"" + Previews.COMMIT_B + "\"}}}");
            Map<String, String> job = github.env(
                    "GITHUB_EVENT_NAME", "pull_request",
                    "GITHUB_EVENT_PATH", event.toString(),
                    "GITHUB_REF", "refs/pull/7/merge",
                    "GITHUB_HEAD_REF", "feature/action",
                    "GITHUB_SHA", Previews.COMMIT_A);
            job.remove("GITHUB_TOKEN"); // the action passes its input github-token
            Path runnerTemp = tmp.resolve("runner");
            Path noStubs = Files.createDirectories(tmp.resolve("empty"));
            CompositeAction action = new CompositeAction(Repository.path("action.yml"));
            Map<String, String> inputs = new HashMap<>(Map.of(
                    "namespace", "action",
                    "image", IMAGE,
                    "seed-command", "/app/seed",
                    "ingress-host", "{{name}}.previews.example.com",
                    "kubeconfig", Base64.getEncoder().encodeToString(Files.readAllBytes(kubeconfig)),
                    "jar-url", JAR.toUri().toString(),
                    "extra-args", "--poll-interval 100ms --timeout 60s"));

            CompositeAction.Result deployed =
                    action.run(inputs, Map.of("token", FakeGitHub.TOKEN), job, Repository.root(), runnerTemp, noStubs);

            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            String name = PreviewNaming.nameFor("feature/action");
            String url = "http://" + name + ".previews.example.com";
            assertThat(deployed.outputs())
                    .containsEntry("url", url)
                    .containsEntry("name", name)
                    .containsEntry("namespace", "action")
                    .containsEntry("internal-url", "http://" + name + ".action.svc.cluster.local");
            assertThat(preview("action", name).getStatus().isTrue("Ready")).isTrue();
            assertThat(github.deployments).singleElement().satisfies(d -> {
                assertThat(d.environment()).isEqualTo("preview/feature/action");
                assertThat(d.ref()).isEqualTo(Previews.COMMIT_B);
                assertThat(d.states()).containsExactly("in_progress", "success");
                assertThat(d.statuses().get(1).path("environment_url").asText()).isEqualTo(url);
            });
            assertThat(github.comments(7))
                    .singleElement()
                    .satisfies(c -> assertThat(c.body()).contains("| URL | " + url + " |"));
            assertThat(deployed.summary()).isEqualTo("Preview backend **" + name + "** is ready at " + url + "\n");

            inputs.put("command", "delete");
            inputs.put("extra-args", "--poll-interval 100ms");
            CompositeAction.Result deleted =
                    action.run(inputs, Map.of("token", FakeGitHub.TOKEN), job, Repository.root(), runnerTemp, noStubs);

            assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
            assertThat(preview("action", name)).isNull();
            assertThat(github.deployments.get(0).states()).containsExactly("in_progress", "success", "inactive");
            assertThat(github.comments(7))
                    .singleElement()
                    .satisfies(c -> assertThat(c.body()).contains("`: deleted"));
        }
    }

    @Test
    void theGitLabTemplatesJobsDeployWithADotenvReportAndStop() throws Exception {
        GitLabTemplate template = new GitLabTemplate();
        Path project = Files.createDirectories(tmp.resolve("gitlab-project"));
        Map<String, String> env =
                new HashMap<>(GitLabTemplate.mergeRequest("feature/gitlab", "feature-gitlab", Previews.COMMIT_A));
        Map<String, String> projectVariables = Map.of(
                "KUBECONFIG",
                kubeconfig.toString(), // a variable of type File is the file's path
                "PREVIEW_JAR_URL",
                JAR.toUri().toString(),
                "PREVIEW_NAMESPACE",
                "gitlab",
                "PREVIEW_IMAGE",
                IMAGE,
                "PREVIEW_DEPLOY_ARGS",
                "--poll-interval 100ms --timeout 60s");
        env.putAll(template.variables("preview", projectVariables));
        String path = Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin";

        GitLabTemplate.Result deployed = template.run("preview", env, project, path);

        assertThat(deployed.code()).as(deployed.log()).isZero();
        String name = PreviewNaming.nameFor("feature/gitlab");
        String dotenv = template.job("preview")
                .path("artifacts")
                .path("reports")
                .path("dotenv")
                .asText();
        assertThat(Files.readAllLines(project.resolve(dotenv)))
                .containsExactly(
                        "PREVIEW_URL=http://" + name + ".gitlab.svc.cluster.local",
                        "PREVIEW_INTERNAL_URL=http://" + name + ".gitlab.svc.cluster.local",
                        "PREVIEW_NAME=" + name,
                        "PREVIEW_NAMESPACE=gitlab");
        assertThat(preview("gitlab", name).getStatus().isTrue("Ready")).isTrue();

        Map<String, String> stopEnv =
                new HashMap<>(GitLabTemplate.mergeRequest("feature/gitlab", "feature-gitlab", Previews.COMMIT_A));
        stopEnv.putAll(template.variables("preview-stop", projectVariables));
        Path stopDir = Files.createDirectories(tmp.resolve("gitlab-stop")); // GIT_STRATEGY: none, an empty directory
        GitLabTemplate.Result stopped = template.run("preview-stop", stopEnv, stopDir, path);

        assertThat(stopped.code()).as(stopped.log()).isZero();
        assertThat(stopped.log()).contains("deleted preview " + name + " (branch feature/gitlab)");
        assertThat(preview("gitlab", name)).isNull();
        assertThat(List.of(stopped.log(), deployed.log())).noneMatch(l -> l.contains("Exception"));
    }
}
