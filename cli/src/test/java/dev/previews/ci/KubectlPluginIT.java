package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Previews;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-file kubectl plugin (target/kubectl-preview), copied alone into a directory on the PATH, run
 * as "kubectl preview ..." against the sandbox: kubectl finds it, and -n, --context and --kubeconfig
 * mean what they mean to kubectl. Without kubectl on the machine the plugin is run directly.
 */
class KubectlPluginIT {
    static final Path PLUGIN = Path.of("target/kubectl-preview").toAbsolutePath();

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;
    static Path pathDir;
    static String kubectl;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start(Sandbox.Options.defaults().withSimulation(true, Duration.ofMillis(50)));
        String server = sandbox.client().getMasterUrl().toString();
        // two contexts: the current one points nowhere, "sandbox" at the sandbox with namespace "plugin-default"
        kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - {name: nowhere, cluster: {server: "http://127.0.0.1:1"}}
        - {name: sandbox, cluster: {server: "%s"}}
        users:
        - {name: test, user: {token: test}}
        contexts:
        - {name: nowhere, context: {cluster: nowhere, user: test, namespace: default}}
        - {name: sandbox, context: {cluster: sandbox, user: test, namespace: plugin-default}}
        current-context: nowhere
        """.formatted(server));
        pathDir = Files.createDirectories(tmp.resolve("bin"));
        Files.copy(PLUGIN, pathDir.resolve("kubectl-preview"));
        kubectl = whichKubectl();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static String whichKubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (!dir.isBlank() && Files.isExecutable(candidate)) return candidate.toString();
        }
        return null;
    }

    /** kubectl preview ARGS (or kubectl-preview ARGS without kubectl), with only the plugin's directory added to the PATH. */
    static Run kubectlPreview(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (kubectl != null) command.addAll(List.of(kubectl, "preview"));
        else command.add(pathDir.resolve("kubectl-preview").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PATH", pathDir + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().remove("KUBECONFIG");
        pb.environment().remove("PREVIEW_JAR");
        pb.environment()
                .keySet()
                .removeIf(k ->
                        k.startsWith("GITHUB_") || k.startsWith("CI_") || k.equals("VERCEL") || k.equals("NETLIFY"));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS))
                .as("kubectl preview " + args[0])
                .isTrue();
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void kubectlPreviewWorksWithKubectlsFlags() throws Exception {
        String k = kubeconfig.toString();
        Run deploy = kubectlPreview(
                "-n",
                "plugin",
                "--context",
                "sandbox",
                "--kubeconfig",
                k,
                "deploy",
                "--branch",
                "feature/plugin",
                "--commit",
                Previews.COMMIT_A,
                "--image",
                "registry.example.com/shop/api:{{shortCommit}}",
                "--poll-interval",
                "100ms",
                "--timeout",
                "60s");
        assertThat(deploy.code()).as(deploy.toString()).isZero();
        String name = PreviewNaming.nameFor("feature/plugin");
        assertThat(deploy.out()).isEqualTo("http://" + name + ".plugin.svc.cluster.local\n");

        Run list = kubectlPreview("list", "--namespace=plugin", "--context=sandbox", "--kubeconfig=" + k);
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).contains(name).contains("feature/plugin").contains("Ready");

        Run status = kubectlPreview("--context", "sandbox", "--kubeconfig", k, "status", "-n", "plugin", name);
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("Ready");

        // the context's own namespace when no -n is given
        Run contextNamespace = kubectlPreview("--kubeconfig", k, "--context", "sandbox", "list");
        assertThat(contextNamespace.code()).as(contextNamespace.toString()).isZero();
        assertThat(contextNamespace.out()).doesNotContain(name);
        assertThat(contextNamespace.err()).contains("plugin-default");

        // the current context is the one pointing nowhere
        Run current = kubectlPreview("--kubeconfig", k, "-n", "plugin", "list");
        assertThat(current.code()).as(current.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(current.err()).contains("cannot reach the Kubernetes API server at http://127.0.0.1:1");

        Run delete = kubectlPreview(
                "-n", "plugin", "--context", "sandbox", "--kubeconfig", k, "delete", name, "--poll-interval", "100ms");
        assertThat(delete.code()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("deleted preview " + name + " (branch feature/plugin)\n");
    }

    @Test
    void itsHelpSpeaksOfKubectlPreview() throws Exception {
        Run help = kubectlPreview("deploy", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: kubectl preview deploy");
    }
}
