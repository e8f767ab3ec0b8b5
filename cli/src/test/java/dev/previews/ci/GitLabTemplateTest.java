package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.testing.Previews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitLab CI template: its jobs' settings (dotenv report, environment URL, on_stop) and their shell,
 * run with stubs for curl and java that record their arguments. CiSetupsIT runs it with the real CLI.
 */
class GitLabTemplateTest {
    @TempDir
    Path tmp;

    Path stubs;
    Path project;
    GitLabTemplate template;

    @BeforeEach
    void setUp() throws IOException {
        template = new GitLabTemplate();
        stubs = Files.createDirectories(tmp.resolve("stubs"));
        project = Files.createDirectories(tmp.resolve("project"));
        for (String name : List.of("curl", "java")) {
            Path stub = stubs.resolve(name);
            Files.writeString(
                    stub,
                    "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + stubs.resolve(name + ".args")
                            + "\"\n"
                            + (name.equals("curl") ? "printf 'PK' > .preview/preview.jar\n" : ""));
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    List<String> args(String stub) throws IOException {
        return Files.readAllLines(stubs.resolve(stub + ".args"));
    }

    GitLabTemplate.Result run(String job, Map<String, String> project) throws Exception {
        Map<String, String> env =
                new HashMap<>(GitLabTemplate.mergeRequest("feature/x", "feature-x", Previews.COMMIT_A));
        env.putAll(template.variables(job, project));
        return template.run(job, env, this.project, stubs + ":/usr/bin:/bin");
    }

    @Test
    void theDeployJobShowsThePreviewOnTheMergeRequestAndStopsWithTheStopJob() {
        JsonNode deploy = template.job("preview");
        JsonNode stop = template.job("preview-stop");

        assertThat(deploy.path("rules").get(0).path("if").asText()).isEqualTo("$CI_MERGE_REQUEST_IID");
        assertThat(deploy.path("artifacts").path("reports").path("dotenv").asText())
                .isEqualTo("preview.env");
        assertThat(template.shell("preview")).contains("deploy --dotenv preview.env");
        assertThat(deploy.path("environment").path("url").asText())
                .as("the dotenv report's variable")
                .isEqualTo("$PREVIEW_URL");
        assertThat(deploy.path("environment").path("on_stop").asText()).isEqualTo("preview-stop");
        assertThat(stop.path("environment").path("name").asText())
                .isEqualTo(deploy.path("environment").path("name").asText())
                .isEqualTo("preview/$CI_COMMIT_REF_SLUG");
        assertThat(stop.path("environment").path("action").asText()).isEqualTo("stop");
        assertThat(stop.path("rules").get(0).path("when").asText()).isEqualTo("manual");
        assertThat(stop.path("variables").path("GIT_STRATEGY").asText()).isEqualTo("none");
        assertThat(deploy.path("image").asText()).isEqualTo("$PREVIEW_JAVA_IMAGE");
        assertThat(template.variables("preview", Map.of()))
                .containsEntry("PREVIEW_JAVA_IMAGE", "eclipse-temurin:17-jre");
    }

    @Test
    void theDeployJobRunsDeployWithTheVariablesAsFlags() throws Exception {
        Files.writeString(project.resolve("a-file"), "the * below must not become this file's name");

        GitLabTemplate.Result r = run(
                "preview",
                Map.of(
                        "PREVIEW_JAR_URL", "https://artifacts.example.com/preview.jar",
                        "PREVIEW_NAMESPACE", "previews",
                        "PREVIEW_IMAGE", "registry.example.com/shop/api:{{commit}}",
                        "PREVIEW_SEED_COMMAND", "/app/seed --fixtures demo",
                        "PREVIEW_INGRESS_HOST", "{{name}}.previews.example.com",
                        "PREVIEW_DEPLOY_ARGS", "--ttl 2d --label app=shop --annotation note=*"));

        assertThat(r.code()).as(r.log()).isZero();
        assertThat(args("curl"))
                .containsExactly(
                        "-fsSL",
                        "--retry",
                        "3",
                        "-o",
                        ".preview/preview.jar",
                        "https://artifacts.example.com/preview.jar");
        assertThat(args("java"))
                .containsExactly(
                        "-jar",
                        ".preview/preview.jar",
                        "deploy",
                        "--dotenv",
                        "preview.env",
                        "-n",
                        "previews",
                        "--image",
                        "registry.example.com/shop/api:{{commit}}",
                        "--seed-command",
                        "/app/seed --fixtures demo",
                        "--ingress-host",
                        "{{name}}.previews.example.com",
                        "--ttl",
                        "2d",
                        "--label",
                        "app=shop",
                        "--annotation",
                        "note=*");
    }

    @Test
    void emptyVariablesGiveNoFlags() throws Exception {
        GitLabTemplate.Result r = run("preview", Map.of("PREVIEW_JAR_URL", "https://a.example.com/p.jar"));

        assertThat(r.code()).as(r.log()).isZero();
        assertThat(args("java")).containsExactly("-jar", ".preview/preview.jar", "deploy", "--dotenv", "preview.env");
    }

    @Test
    void withoutTheJarsUrlTheJobSaysWhatToSet() throws Exception {
        GitLabTemplate.Result r = run("preview", Map.of());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.log()).contains("set the CI/CD variable PREVIEW_JAR_URL");
        assertThat(stubs.resolve("java.args")).doesNotExist();
    }

    @Test
    void theStopJobDeletesTheBranchsPreview() throws Exception {
        GitLabTemplate.Result r = run(
                "preview-stop",
                Map.of("PREVIEW_JAR_URL", "https://a.example.com/p.jar", "PREVIEW_NAMESPACE", "previews"));

        assertThat(r.code()).as(r.log()).isZero();
        assertThat(args("java")).containsExactly("-jar", ".preview/preview.jar", "delete", "-n", "previews");
    }
}
