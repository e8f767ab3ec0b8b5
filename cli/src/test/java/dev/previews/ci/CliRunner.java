package dev.previews.ci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Runs the jar's command line in-process, as a CI job would run bin/preview, and captures what it prints. */
final class CliRunner {
    private CliRunner() {}

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result runWithStdin(Map<String, String> env, Path home, String stdin, String... args) {
        return run(env, home, stdin, new StringWriter(), args);
    }

    static Result run(Map<String, String> env, Path home, String... args) {
        return run(env, home, "", new StringWriter(), args);
    }

    private static Result run(Map<String, String> env, Path home, String stdin, StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        Terminal terminal = new Terminal(
                env, home, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
        int code = Cli.run(terminal, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A command running in the background, whose stderr can be read while it runs. */
    record Running(StringWriter err, CompletableFuture<Result> result) {}

    static Running start(Map<String, String> env, Path home, String... args) {
        StringWriter err = new StringWriter();
        return new Running(err, CompletableFuture.supplyAsync(() -> run(env, home, "", err, args)));
    }

    /** A kubeconfig for an API server at the URL, with namespace 'default'. */
    static Path kubeconfig(Path file, String server) throws IOException {
        Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
        users:
        - name: test
          user:
            token: test
        contexts:
        - name: test
          context:
            cluster: test
            user: test
            namespace: default
        current-context: test
        """.formatted(server));
        return file;
    }
}
