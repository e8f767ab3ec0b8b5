package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The kubectl binary of this machine, run against a sandbox as a user runs it: with the kubeconfig the
 * sandbox wrote, and a discovery cache of its own (kubectl keeps one per server under ~/.kube/cache,
 * which the tests should neither read nor fill). The tests assert what kubectl 1.32 prints; other
 * versions word some errors otherwise.
 */
final class Kubectl {
    /** One run: its exit code and what it printed. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path cache;

    Kubectl(Path kubeconfig, Path cache) {
        this.binary = binary().orElseThrow();
        this.kubeconfig = kubeconfig;
        this.cache = cache;
    }

    /** $KUBECTL (only it, when set), else kubectl on the PATH, else /usr/bin/kubectl. */
    static Optional<Path> binary() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(
                        Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "kubectl")),
                        Stream.of(Path.of("/usr/bin/kubectl")))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Skips the calling test, saying why, when there is no kubectl to run. */
    static void assumeInstalled() {
        String configured = System.getenv("KUBECTL");
        Assumptions.assumeTrue(
                binary().isPresent(),
                configured != null && !configured.isBlank()
                        ? "KUBECTL=" + configured + " is not an executable: the kubectl tests are skipped"
                        : "no kubectl on this machine (the PATH, /usr/bin/kubectl; or set KUBECTL): the kubectl"
                                + " tests are skipped; .ci/run installs one");
    }

    Run run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs kubectl with {@code args} and the extra environment, and waits for it (60 s at most). */
    Run run(Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(cache, "out", ".txt");
            Path err = Files.createTempFile(cache, "err", ".txt");
            Process p = builder(env, args)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("kubectl " + String.join(" ", args) + " finished")
                    .isTrue();
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a kubectl that goes on (get -w); its output lines are collected as they come. */
    Streaming start(String... args) {
        try {
            Process p = builder(Map.of(), args).redirectErrorStream(true).start();
            return new Streaming(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder builder(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--cache-dir", cache.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().putAll(env);
        return pb;
    }

    /** A running kubectl and the lines it printed so far. */
    static final class Streaming implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Streaming(Process process) {
            this.process = process;
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader in = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line = in.readLine(); line != null; line = in.readLine()) lines.add(line);
                        } catch (IOException e) {
                            lines.add("(reading kubectl's output failed: " + e + ")");
                        }
                    },
                    "kubectl-output");
            reader.setDaemon(true);
            reader.start();
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
