package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kubectl-preview: where it finds the jar, and kubectl's cluster flags before the command moved
 * behind it, every other argument unchanged; a stub stands in for java. KubectlPluginIT runs the real
 * thing through kubectl against the sandbox.
 */
class KubectlPluginTest {
    static final Path PLUGIN = Repository.path("bin", "kubectl-preview");

    @TempDir
    Path tmp;

    record Run(int code, String err, List<String> javaArgs) {
        /** The arguments after -jar JAR. */
        List<String> commandLine() {
            int jar = javaArgs.indexOf("-jar");
            return javaArgs.subList(jar + 2, javaArgs.size());
        }

        String jar() {
            return javaArgs.get(javaArgs.indexOf("-jar") + 1);
        }
    }

    private Path stubJava() throws IOException {
        Path stub = tmp.resolve("java");
        Files.writeString(
                stub,
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + tmp.resolve("args")
                        + "\"\nexit 3\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        return stub;
    }

    private Run run(Path plugin, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(plugin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("PREVIEW_JAR");
        pb.environment().remove("PREVIEW_JAVA_OPTS");
        pb.environment().remove("XDG_DATA_HOME");
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        Path recorded = tmp.resolve("args");
        return new Run(p.exitValue(), err, Files.exists(recorded) ? Files.readAllLines(recorded) : List.of());
    }

    private Map<String, String> withJar() throws IOException {
        Path jar = Files.writeString(tmp.resolve("preview.jar"), "x");
        Map<String, String> env = new HashMap<>();
        env.put("JAVA", stubJava().toString());
        env.put("PREVIEW_JAR", jar.toString());
        return env;
    }

    @Test
    void clusterFlagsBeforeTheCommandAreMovedBehindIt() throws Exception {
        Run r = run(
                PLUGIN,
                withJar(),
                "-n",
                "team-a",
                "--context=staging",
                "--kubeconfig",
                "/etc/k 8s/config",
                "deploy",
                "--image",
                "registry.example.com/api:{{commit}}",
                "--cmd",
                "echo \"$PREVIEW_URL\" | tee 'a b'");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.javaArgs())
                .startsWith("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dpreview.command=kubectl preview");
        assertThat(r.commandLine())
                .containsExactly(
                        "deploy",
                        "--image",
                        "registry.example.com/api:{{commit}}",
                        "--cmd",
                        "echo \"$PREVIEW_URL\" | tee 'a b'",
                        "-n",
                        "team-a",
                        "--context=staging",
                        "--kubeconfig",
                        "/etc/k 8s/config");
    }

    @Test
    void argumentsAfterTheCommandStayWhereTheyAre() throws Exception {
        Run r = run(PLUGIN, withJar(), "status", "-n", "team-a", "my-preview", "-o", "json");
        assertThat(r.commandLine()).containsExactly("status", "-n", "team-a", "my-preview", "-o", "json");

        Run attached = run(PLUGIN, withJar(), "-nteam-a", "-v", "list", "-A");
        assertThat(attached.commandLine()).containsExactly("list", "-A", "-nteam-a", "-v");
    }

    @Test
    void flagsWithoutACommandAreLeftForTheCliToAnswer() throws Exception {
        assertThat(run(PLUGIN, withJar(), "-n", "team-a").commandLine()).containsExactly("-n", "team-a");
        assertThat(run(PLUGIN, withJar(), "-n", "team-a", "--help").commandLine())
                .containsExactly("-n", "team-a", "--help");
        assertThat(run(PLUGIN, withJar(), "--context").commandLine()).containsExactly("--context");
    }

    @Test
    void theJarIsFoundNextToThePluginInACheckoutOrInTheUsersDataDirectory() throws Exception {
        Map<String, String> env = Map.of("JAVA", stubJava().toString());

        Path beside = Files.createDirectories(tmp.resolve("beside"));
        Path plugin = Files.copy(PLUGIN, beside.resolve("kubectl-preview"));
        Path jar = Files.writeString(beside.resolve("preview.jar"), "x");
        Path onPath = Files.createDirectories(tmp.resolve("path"));
        Path link = Files.createSymbolicLink(onPath.resolve("kubectl-preview"), plugin);
        assertThat(run(link, env, "list").jar()).isEqualTo(jar.toRealPath().toString());

        Path checkout = tmp.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("cli/target"));
        Path inCheckout = Files.copy(PLUGIN, checkout.resolve("bin/kubectl-preview"));
        Path built = Files.writeString(checkout.resolve("cli/target/preview.jar"), "x");
        assertThat(run(inCheckout, env, "list").jar())
                .isEqualTo(built.toRealPath().toString());

        Path alone =
                Files.copy(PLUGIN, Files.createDirectories(tmp.resolve("alone")).resolve("kubectl-preview"));
        Path data = Files.createDirectories(tmp.resolve("home/.local/share/preview-operator"));
        Path installed = Files.writeString(data.resolve("preview.jar"), "x");
        assertThat(run(alone, env, "list").jar()).isEqualTo(installed.toString());

        Path xdg = Files.createDirectories(tmp.resolve("xdg/preview-operator"));
        Path xdgJar = Files.writeString(xdg.resolve("preview.jar"), "x");
        Map<String, String> withXdg = new HashMap<>(env);
        withXdg.put("XDG_DATA_HOME", tmp.resolve("xdg").toString());
        assertThat(run(alone, withXdg, "list").jar()).isEqualTo(xdgJar.toString());
    }

    @Test
    void withoutAJarItSaysWhereItLookedAndHowToGetOne() throws Exception {
        Path alone =
                Files.copy(PLUGIN, Files.createDirectories(tmp.resolve("alone")).resolve("kubectl-preview"));

        Run r = run(alone, Map.of("JAVA", stubJava().toString()), "list");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("kubectl-preview: cannot find the CLI's jar")
                .contains(tmp.resolve("home/.local/share/preview-operator/preview.jar")
                        .toString())
                .contains("cli/target/kubectl-preview")
                .contains("PREVIEW_JAR");
        assertThat(r.javaArgs()).isEmpty();
    }
}
