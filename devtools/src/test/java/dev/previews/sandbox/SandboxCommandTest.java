package dev.previews.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.devtools.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxCommandTest {
    @Test
    void aPortAlreadyTakenIsSaidInOneLine(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute(
                    "sandbox",
                    "--port",
                    String.valueOf(taken.getLocalPort()),
                    "--kubeconfig",
                    dir.resolve("kubeconfig").toString());
            assertThat(exit).isOne();
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("sandbox: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": Address already in use\n");
        } finally {
            System.setErr(original);
        }
    }
}
