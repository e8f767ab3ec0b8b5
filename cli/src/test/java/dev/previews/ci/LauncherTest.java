package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/preview finds the jar and hands it every argument unchanged; a stub stands in for java. */
class LauncherTest {
    static final Path LAUNCHER = Repository.path("bin", "preview");

    @TempDir
    Path tmp;

    record Run(int code, String err, List<String> javaArgs) {}

    /** A "java" that records its arguments, one per line, and exits 4. */
    private Path stubJava() throws IOException {
        Path stub = tmp.resolve("java");
        Files.writeString(
                stub,
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + tmp.resolve("args")
                        + "\"\nexit 4\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        return stub;
    }

    private Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("PREVIEW_JAR");
        pb.environment().remove("PREVIEW_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        Path recorded = tmp.resolve("args");
        return new Run(p.exitValue(), err, Files.exists(recorded) ? Files.readAllLines(recorded) : List.of());
    }

    @Test
    void runsThePreviewJarWithEveryArgumentAndItsExitCode() throws Exception {
        Path jar = Files.writeString(tmp.resolve("my preview.jar"), "not really a jar");
        Run r = run(
                LAUNCHER,
                Map.of("JAVA", stubJava().toString(), "PREVIEW_JAR", jar.toString()),
                "deploy",
                "--branch",
                "feature/a b",
                "--cmd",
                "echo \"$PREVIEW_URL\"");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.javaArgs())
                .containsExactly(
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "deploy",
                        "--branch",
                        "feature/a b",
                        "--cmd",
                        "echo \"$PREVIEW_URL\"");
    }

    @Test
    void findsTheJarNextToTheScriptAlsoThroughASymlink() throws Exception {
        Path checkout = tmp.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("cli/target"));
        Files.copy(LAUNCHER, checkout.resolve("bin/preview"));
        Path jar = Files.writeString(checkout.resolve("cli/target/preview.jar"), "x");
        Path link = Files.createSymbolicLink(tmp.resolve("preview"), checkout.resolve("bin/preview"));

        Run r = run(link, Map.of("JAVA", stubJava().toString(), "PREVIEW_JAVA_OPTS", "-Xmx64m"), "list");

        assertThat(r.code()).isEqualTo(4);
        assertThat(r.javaArgs()).containsExactly("-Xmx64m", "-jar", jar.toString(), "list");
    }

    @Test
    void saysHowToBuildTheJarWhenItIsMissing() throws Exception {
        Files.createDirectories(tmp.resolve("bin"));
        Path copy = Files.copy(LAUNCHER, tmp.resolve("bin/preview"));
        Run r = run(copy, Map.of("JAVA", stubJava().toString()), "list");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot find the jar at " + tmp.toRealPath().resolve("cli/target/preview.jar"))
                .contains("mvn -B package")
                .contains("PREVIEW_JAR");
        assertThat(r.javaArgs()).isEmpty();
    }
}
