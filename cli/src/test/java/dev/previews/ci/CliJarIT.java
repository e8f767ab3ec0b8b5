package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Previews;
import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI jar, run by bin/preview as a CI job runs it, against the sandbox: every command
 * works from the jar alone (which leaves the models of API groups the commands do not use out), and
 * the jar carries neither the operator nor the mock API server.
 */
class CliJarIT {
    static final Path JAR = Path.of("target/preview.jar").toAbsolutePath();

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start(Sandbox.Options.defaults().withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Run preview(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(Repository.path("bin", "preview").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PREVIEW_JAR", JAR.toString());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment()
                .keySet()
                .removeIf(k ->
                        k.startsWith("GITHUB_") || k.startsWith("CI_") || k.equals("VERCEL") || k.equals("NETLIFY"));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS))
                .as("preview " + args[0] + " finished")
                .isTrue();
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandRunsFromTheJar() throws Exception {
        Run deploy = preview(
                "deploy",
                "-n",
                "jar",
                "--branch",
                "feature/jar",
                "--commit",
                Previews.COMMIT_A,
                "--image",
                "registry.example.com/shop/api:{{shortCommit}}",
                "--seed-command",
                "/app/seed",
                "--poll-interval",
                "100ms",
                "--timeout",
                "60s");
        assertThat(deploy.code()).as(deploy.toString()).isZero();
        String name = PreviewNaming.nameFor("feature/jar");
        assertThat(deploy.out()).isEqualTo("http://" + name + ".jar.svc.cluster.local\n");

        Run status = preview("status", "-n", "jar", "--branch", "feature/jar");
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("Ready").contains("a1b2c3d");

        Run list = preview("list", "-n", "jar");
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).contains(name).contains("feature/jar").contains("Ready");

        Path keep = Files.writeString(tmp.resolve("branches"), "feature/jar\n");
        Run prune = preview("prune", "-n", "jar", "--keep-branches", keep.toString(), "--dry-run");
        assertThat(prune.code()).as(prune.toString()).isZero();

        Run delete = preview("delete", "-n", "jar", "--branch", "feature/jar", "--poll-interval", "100ms");
        assertThat(delete.code()).as(delete.toString()).isZero();
        for (Run r : List.of(deploy, status, list, prune, delete)) {
            assertThat(r.err()).as(r.toString()).doesNotContain("Exception").doesNotContain("WARN");
        }
    }

    @Test
    void failuresAreOneLineFromTheJarToo() throws Exception {
        Run missing = preview("status", "-n", "jar", "no-such-preview");
        assertThat(missing.code()).as(missing.toString()).isNotZero();
        assertThat(missing.err()).contains("no-such-preview").doesNotContain("Exception");

        Path nowhere = CliRunner.kubeconfig(tmp.resolve("nowhere"), "http://127.0.0.1:1");
        Run refused = preview("list", "--kubeconfig", nowhere.toString());
        assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(refused.err()).startsWith("preview: error: ").doesNotContain("\tat ");
    }

    @Test
    void theJarCarriesTheCommandsOnly() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> entries = Collections.list(jar.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
            assertThat(entries).contains("dev/previews/ci/Main.class", "dev/previews/api/PreviewDeployment.class");
            assertThat(entries)
                    .noneMatch(e -> e.startsWith("io/javaoperatorsdk/")
                            || e.startsWith("dev/previews/operator/")
                            || e.startsWith("dev/previews/sandbox/")
                            || e.startsWith("dev/previews/simulator/")
                            || e.startsWith("dev/previews/bench/")
                            || e.startsWith("io/fabric8/kubernetes/client/server/mock/")
                            || e.startsWith("io/fabric8/mockwebserver/")
                            || e.startsWith("io/vertx/")
                            || e.startsWith("io/netty/"));
        }
    }
}
