package dev.previews.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.devtools.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxDemoTest {
    @Test
    void theDemoRunsToCompletionAndShowsEachStep(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            exit = Main.execute(
                    "sandbox",
                    "--demo",
                    "--simulator-delay",
                    "100ms",
                    "--step-timeout",
                    "30s",
                    "--kubeconfig",
                    dir.resolve("kubeconfig").toString());
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out)
                .contains("Demo complete.")
                .containsPattern("feature-login +feature/login +3f2a9c1 +Ready +SeedSucceeded")
                .containsPattern("fix-checkout +fix/checkout +9b8a7c6 +SeedFailed +SeedFailed")
                .contains("ERROR: relation \"orders\" does not exist")
                .containsPattern("feature-login +feature/login +c0ffee0 +Ready +SeedSucceeded")
                .containsPattern("feature-search +feature/search +5e4d3c2 +Ready +SeedSucceeded +badc0de SeedFailed")
                .containsPattern("feature-search +feature/search +f1e2d3c +Ready +SeedSucceeded +http")
                .containsPattern("feature-login +feature/login +c0ffee0 +Asleep +SeedSucceeded")
                .contains("it sleeps: scaled to zero, its URL kept")
                .contains("the seed does not run again");
        String lastTable = out.substring(out.lastIndexOf("NAME "));
        assertThat(lastTable).contains("feature-login").doesNotContain("fix-checkout");
        assertThat(Files.readString(dir.resolve("kubeconfig")))
                .contains("server: http://")
                .contains("current-context: sandbox");
    }
}
