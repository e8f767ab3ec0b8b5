package dev.previews.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @Test
    void aBadConfigurationStopsTheOperatorAtStartWithOneLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(
                dir.resolve("config.yaml"), "plans:\n  starter: {ttl: 5 days, maxPreviews: 40, expiry: Delete}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("run", "--config", config.toString());
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("preview-operator: bad configuration: " + config
                        + ": plans.starter.ttl: '5 days' is not a duration" + " (write e.g. 90m, 36h, 5d or 1d12h)");
    }

    @Test
    void leaseTimingsTheElectorCannotWorkWithStopTheOperatorAtStartWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("run", "--leader-election", "--lease-duration", "10s", "--renew-deadline", "10s");
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(
                        "preview-operator: bad leader election timings: the lease duration (10s) must be longer than the"
                                + " renew deadline (10s)");
    }
}
