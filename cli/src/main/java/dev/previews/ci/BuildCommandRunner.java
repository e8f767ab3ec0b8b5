package dev.previews.ci;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Runs deploy's --cmd with /bin/sh -c in the given environment. Its output (stdout and stderr)
 * goes to our stderr, so that our stdout carries only the URL; its stdin is empty.
 */
final class BuildCommandRunner {
    private BuildCommandRunner() {}

    static int run(String command, Map<String, String> env, PrintWriter err) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process process = pb.start();
        process.getOutputStream().close();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                err.println(line);
                err.flush();
            }
        } finally {
            if (process.isAlive()) process.destroy();
        }
        return process.waitFor();
    }
}
