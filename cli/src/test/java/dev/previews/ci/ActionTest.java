package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action (action.yml and ci/github/*.sh) run step by step as the runner runs a composite
 * action, with stubs for java, curl, mvn and git that record how they were called. ActionIT runs it
 * with the real CLI against the sandbox.
 */
class ActionTest {
    static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://k8s.example.com"}}]
            """;

    @TempDir
    Path tmp;

    Path actionPath;
    Path stubs;
    Path temp;
    final Map<String, String> github = Map.of("token", "ghs_job-token");
    final Map<String, String> jobEnv = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        // as the runner lays out a downloaded action: _actions/<owner>/<name>/<ref>
        actionPath = Files.createDirectories(tmp.resolve("work/_actions/acme/preview-operator/v1"));
        Files.copy(Repository.path("action.yml"), actionPath.resolve("action.yml"));
        Files.createDirectories(actionPath.resolve("ci/github"));
        try (Stream<Path> scripts = Files.list(Repository.path("ci", "github"))) {
            for (Path s : scripts.toList()) {
                Path copy = Files.copy(s, actionPath.resolve("ci/github").resolve(s.getFileName()));
                copy.toFile().setExecutable(true);
            }
        }
        stubs = Files.createDirectories(tmp.resolve("stubs"));
        temp = tmp.resolve("runner-temp");
        stub("java", """
                printf '%s\\n' "${GITHUB_TOKEN:-}" > "$STUBS/java.token"
                for a in "$@"; do
                  if [ "$a" = --github-output ]; then
                    printf 'url=https://p.previews.example.com\\ninternal-url=http://p.previews.svc.cluster.local\\nname=p\\nnamespace=previews\\n' >> "$GITHUB_OUTPUT"
                  fi
                done
                exit "${STUB_JAVA_EXIT:-0}"
                """);
        stub("curl", """
                out=; prev=
                for a in "$@"; do if [ "$prev" = -o ]; then out=$a; fi; prev=$a; done
                case "$*" in *missing*) exit 22 ;; esac
                printf 'PK downloaded' > "$out"
                """);
        stub("mvn", "mkdir -p cli/target && printf 'PK built' > cli/target/preview.jar\n");
        stub("git", "if [ \"$1\" = init ]; then mkdir -p \"$3\"; fi\n");
        jobEnv.put("STUBS", stubs.toString());
        jobEnv.put("GITHUB_REPOSITORY", "acme/shop");
    }

    /** A command on the stubs' PATH that records its arguments (a line each, calls ended by ----) and directory. */
    void stub(String name, String body) throws IOException {
        Path file = stubs.resolve(name);
        Files.writeString(
                file,
                "#!/bin/sh\n{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; echo ----; } >> \"$STUBS/" + name
                        + ".calls\"\npwd >> \"$STUBS/" + name + ".cwd\"\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    List<List<String>> calls(String name) throws IOException {
        Path file = stubs.resolve(name + ".calls");
        List<List<String>> calls = new ArrayList<>();
        if (!Files.exists(file)) return calls;
        List<String> current = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.equals("----")) {
                calls.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        return calls;
    }

    List<String> cwd(String name) throws IOException {
        return Files.readAllLines(stubs.resolve(name + ".cwd"));
    }

    CompositeAction.Result run(Map<String, String> inputs) throws Exception {
        return new CompositeAction(actionPath.resolve("action.yml"))
                .run(inputs, github, jobEnv, actionPath, temp, stubs);
    }

    String jar() {
        return temp.resolve("preview-cli/preview.jar").toString();
    }

    @Test
    void theActionIsCompositeAndItsShellGetsInputsOnlyThroughTheEnvironment() throws Exception {
        JsonNode action =
                CompositeAction.YAML.readTree(Repository.path("action.yml").toFile());
        assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");
        Set<String> used = new HashSet<>();
        for (JsonNode step : action.path("runs").path("steps")) {
            Matcher input = Pattern.compile("inputs\\.([A-Za-z0-9_-]+)").matcher(step.toString());
            while (input.find()) used.add(input.group(1));
            if (step.has("run")) {
                assertThat(step.path("shell").asText()).isEqualTo("bash");
                assertThat(step.path("run").asText())
                        .as("an input pasted into a script could run as code")
                        .doesNotContain("${{");
                assertThat(step.path("run").asText()).matches("^\"\\$GITHUB_ACTION_PATH/ci/github/[a-z-]+\\.sh\"$");
                String script = step.path("run").asText().replaceAll("^\"\\$GITHUB_ACTION_PATH/|\"$", "");
                assertThat(Repository.path(script)).isExecutable();
            }
        }
        List<String> inputs = new ArrayList<>();
        action.path("inputs").fieldNames().forEachRemaining(inputs::add);
        assertThat(used)
                .as("every input is used by a step, and every input used exists")
                .isEqualTo(Set.copyOf(inputs));
        assertThat(action.path("outputs").path("url").path("value").asText()).isEqualTo("${{ steps.run.outputs.url }}");
        assertThat(action.path("outputs").path("name").path("value").asText())
                .isEqualTo("${{ steps.run.outputs.name }}");
    }

    @Test
    void deployWithTheDefaultsBuildsTheCliFromTheActionsSourceAndReportsToGitHub() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(KUBECONFIG.getBytes(StandardCharsets.UTF_8));

        CompositeAction.Result r = run(Map.of(
                "namespace", "previews",
                "image", "ghcr.io/acme/shop-api:{{commit}}",
                "kubeconfig", base64));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.uses()).containsExactly("actions/setup-java@v4 {distribution=temurin, java-version=17}");
        assertThat(calls("mvn")).containsExactly(List.of("-B", "-q", "package", "-DskipTests", "-pl", "cli", "-am"));
        assertThat(cwd("mvn")).containsExactly(actionPath.toString());
        assertThat(calls("curl")).isEmpty();
        Path kubeconfig = temp.resolve("preview-cli/kubeconfig");
        assertThat(calls("java"))
                .containsExactly(List.of(
                        "-jar",
                        jar(),
                        "deploy",
                        "--image",
                        "ghcr.io/acme/shop-api:{{commit}}",
                        "--github-output",
                        "-n",
                        "previews",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--github"));
        assertThat(Files.readString(kubeconfig)).isEqualTo(KUBECONFIG);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(stubs.resolve("java.token"))).isEqualTo("ghs_job-token\n");
        assertThat(r.outputs())
                .containsEntry("url", "https://p.previews.example.com")
                .containsEntry("name", "p")
                .containsEntry("namespace", "previews")
                .containsEntry("internal-url", "http://p.previews.svc.cluster.local");
        assertThat(r.summary()).isEqualTo("Preview backend **p** is ready at https://p.previews.example.com\n");
        assertThat(r.log()).doesNotContain("apiVersion").doesNotContain(base64);
    }

    @Test
    void everyFlagInputBecomesItsFlag() throws Exception {
        Map<String, String> inputs = new HashMap<>(Map.of(
                "file", "preview.yaml",
                "image", "img",
                "seed-command", "/app/seed --fixtures demo",
                "ingress-host", "{{name}}.previews.example.com",
                "branch", "feature/x",
                "commit", "3f2a9c1",
                "name", "x",
                "cmd", "npm run build",
                "url-env-var-name", "VITE_API",
                "timeout", "15m"));
        inputs.put("jar-url", "https://example.com/preview.jar");
        inputs.put("github-required", "true");

        CompositeAction.Result r = run(inputs);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(calls("java").get(0))
                .containsExactly(
                        "-jar",
                        jar(),
                        "deploy",
                        "-f",
                        "preview.yaml",
                        "--image",
                        "img",
                        "--seed-command",
                        "/app/seed --fixtures demo",
                        "--ingress-host",
                        "{{name}}.previews.example.com",
                        "--branch",
                        "feature/x",
                        "--commit",
                        "3f2a9c1",
                        "--name",
                        "x",
                        "--cmd",
                        "npm run build",
                        "--url-env-var-name",
                        "VITE_API",
                        "--github-output",
                        "--timeout",
                        "15m",
                        "--github-required");
    }

    @Test
    void theCliComesFromAUrlAReleaseOrARefBuild() throws Exception {
        assertThat(run(Map.of("image", "i", "jar-url", "https://example.com/p.jar", "setup-java", "false"))
                        .exitCode())
                .isZero();
        assertThat(calls("curl"))
                .containsExactly(List.of("-fsSL", "--retry", "3", "-o", jar(), "https://example.com/p.jar"));

        assertThat(run(Map.of("image", "i", "cli-version", "0.1.0")).exitCode()).isZero();
        assertThat(calls("curl").get(1))
                .as("the action's own repository, from where the runner put it")
                .endsWith("https://github.com/acme/preview-operator/releases/download/v0.1.0/preview.jar");

        jobEnv.put("GITHUB_SERVER_URL", "https://ghe.example.com");
        assertThat(run(Map.of("image", "i", "cli-version", "v0.2.0", "cli-repository", "fork/preview-operator"))
                        .exitCode())
                .isZero();
        assertThat(calls("curl").get(2))
                .endsWith("https://ghe.example.com/fork/preview-operator/releases/download/v0.2.0/preview.jar");

        CompositeAction.Result ref = run(Map.of("image", "i", "cli-ref", "feature/cli"));
        assertThat(ref.exitCode()).as(ref.toString()).isZero();
        String src = temp.resolve("preview-cli/src").toString();
        assertThat(calls("git"))
                .containsExactly(
                        List.of("init", "-q", src),
                        List.of(
                                "-C",
                                src,
                                "fetch",
                                "-q",
                                "--depth",
                                "1",
                                "https://ghe.example.com/acme/preview-operator.git",
                                "feature/cli"),
                        List.of("-C", src, "checkout", "-q", "FETCH_HEAD"));
        assertThat(cwd("mvn")).containsExactly(src);
        assertThat(Files.readString(Path.of(jar()))).isEqualTo("PK built");
        assertThat(calls("java")).hasSize(4);
    }

    @Test
    void aJarThatCannotBeDownloadedFailsTheStepWithAMessage() throws Exception {
        CompositeAction.Result r = run(Map.of("image", "i", "jar-url", "https://example.com/missing.jar"));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.failedStep()).isEqualTo("Obtain the preview CLI");
        assertThat(r.log())
                .contains("::error title=preview-operator::could not download the CLI's jar from "
                        + "https://example.com/missing.jar");
        assertThat(calls("java")).isEmpty();
    }

    @Test
    void extraArgsAreWordsAsAShellSplitsThemAndNeverCode() throws Exception {
        CompositeAction.Result r = run(
                Map.of(
                        "image",
                        "i",
                        "jar-url",
                        "https://example.com/p.jar",
                        "extra-args",
                        "--ttl 2d --env 'GREETING=hello world' --label \"team=a b\"\n--reseed $(touch pwned) `touch pwned2` ;rm"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(calls("java").get(0))
                .endsWith(
                        "--github",
                        "--ttl",
                        "2d",
                        "--env",
                        "GREETING=hello world",
                        "--label",
                        "team=a b",
                        "--reseed",
                        "$(touch",
                        "pwned)",
                        "`touch",
                        "pwned2`",
                        ";rm");
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("pwned", "pwned2");
        }

        CompositeAction.Result unmatched = run(Map.of("image", "i", "jar-url", "u", "extra-args", "--env 'A=b"));
        assertThat(unmatched.exitCode()).isEqualTo(2);
        assertThat(unmatched.log()).contains("the input extra-args has an unmatched quote");
    }

    @Test
    void theKubeconfigIsAFileItsContentOrNothing() throws Exception {
        Path file = Files.writeString(tmp.resolve("my kubeconfig"), KUBECONFIG);
        assertThat(run(Map.of("image", "i", "jar-url", "u", "kubeconfig", file.toString()))
                        .exitCode())
                .isZero();
        assertThat(calls("java").get(0)).containsSequence("--kubeconfig", file.toString());

        assertThat(run(Map.of("image", "i", "jar-url", "u", "kubeconfig", KUBECONFIG))
                        .exitCode())
                .isZero();
        assertThat(calls("java").get(1))
                .containsSequence(
                        "--kubeconfig", temp.resolve("preview-cli/kubeconfig").toString());
        assertThat(Files.readString(temp.resolve("preview-cli/kubeconfig"))).isEqualTo(KUBECONFIG + "\n");

        assertThat(run(Map.of("image", "i", "jar-url", "u")).exitCode()).isZero();
        assertThat(calls("java").get(2)).doesNotContain("--kubeconfig");

        CompositeAction.Result garbage = run(Map.of("image", "i", "jar-url", "u", "kubeconfig", "not a kubeconfig"));
        assertThat(garbage.exitCode()).isEqualTo(1);
        assertThat(garbage.failedStep()).isEqualTo("Cluster access");
        assertThat(garbage.log())
                .contains("the input kubeconfig is neither a file, nor a kubeconfig, nor base64 of one");
        assertThat(temp.resolve("preview-cli/kubeconfig")).doesNotExist();
    }

    @Test
    void githubReportingCanBeTurnedOffOrMadeRequired() throws Exception {
        assertThat(run(Map.of("image", "i", "jar-url", "u", "github", "false")).exitCode())
                .isZero();
        assertThat(calls("java").get(0)).doesNotContain("--github", "--github-required");

        CompositeAction.Result bad = run(Map.of("image", "i", "jar-url", "u", "github", "yes"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.log()).contains("the input github is 'yes'; it must be true or false");
    }

    @Test
    void deleteAndPruneDeletePreviewsAndMarkTheirDeploymentsInactive() throws Exception {
        CompositeAction.Result r = run(Map.of(
                "command", "delete", "namespace", "previews", "name", "feature-x", "image", "ignored", "jar-url", "u"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(calls("java"))
                .containsExactly(List.of("-jar", jar(), "delete", "feature-x", "-n", "previews", "--github"));
        assertThat(r.summary()).isEmpty();

        CompositeAction.Result prune = run(Map.of(
                "command",
                "prune",
                "namespace",
                "previews",
                "jar-url",
                "u",
                "extra-args",
                "--keep-branches branches.txt"));
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(calls("java").get(1))
                .containsExactly(
                        "-jar", jar(), "prune", "-n", "previews", "--github", "--keep-branches", "branches.txt");

        CompositeAction.Result wrong = run(Map.of("command", "destroy", "jar-url", "u"));
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.log()).contains("the input command is 'destroy'; it must be deploy, delete or prune");
    }

    @Test
    void theCliExitCodeIsTheStepsAndTheSummarySaysItFailed() throws Exception {
        jobEnv.put("STUB_JAVA_EXIT", "4");

        CompositeAction.Result r = run(Map.of("image", "i", "jar-url", "u"));

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.failedStep()).isEqualTo("Preview");
        assertThat(r.summary())
                .isEqualTo("Preview backend **p** at https://p.previews.example.com failed (exit code 4); see the "
                        + "step's log\n");
    }
}
