package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.testing.Repository;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell script of the repository passes shellcheck: the files with a shell's #! line or a .sh
 * name, the action's run: steps, the GitLab template's job scripts and the scripts the docs show.
 * Skipped, saying so, where shellcheck is not installed (.ci/run installs it).
 */
class ShellScriptsTest {
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", ".idea", ".vscode");
    private static final Pattern SHEBANG = Pattern.compile("^#!\\s*\\S*/(?:env\\s+)?(sh|bash|dash)\\b");
    private static final Pattern DOC_SCRIPT = Pattern.compile("```(?:sh|bash)\\n(#!.*?)```", Pattern.DOTALL);

    @TempDir
    Path tmp;

    /** The shell scripts among the repository's files. */
    static List<Path> scripts() throws IOException {
        List<Path> found = new ArrayList<>();
        walk(Repository.root(), found);
        return found.stream().sorted().toList();
    }

    private static void walk(Path dir, List<Path> found) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
                    if (!SKIPPED_DIRECTORIES.contains(p.getFileName().toString())) walk(p, found);
                } else if (Files.isRegularFile(p) && isShell(p)) {
                    found.add(p);
                }
            }
        }
    }

    private static boolean isShell(Path p) throws IOException {
        if (p.getFileName().toString().endsWith(".sh")) return true;
        byte[] head = new byte[64];
        int n;
        try (var in = Files.newInputStream(p)) {
            n = in.read(head);
        }
        if (n < 2 || head[0] != '#' || head[1] != '!') return false;
        String first = new String(head, 0, n, StandardCharsets.ISO_8859_1)
                .lines()
                .findFirst()
                .orElse("");
        return SHEBANG.matcher(first).find();
    }

    @Test
    void theScriptsAreFoundAndExecutable() throws IOException {
        List<Path> scripts = scripts();
        Path root = Repository.root();
        assertThat(scripts)
                .contains(
                        root.resolve("bin/preview"),
                        root.resolve("bin/kubectl-preview"),
                        root.resolve(".ci/run"),
                        root.resolve("ci/github/obtain-cli.sh"),
                        root.resolve("ci/github/kubeconfig.sh"),
                        root.resolve("ci/github/run.sh"),
                        root.resolve("deploy/krew/render.sh"));
        assertThat(scripts).allSatisfy(s -> assertThat(s).isExecutable());
    }

    @Test
    void everyShellScriptIsShellcheckClean() throws Exception {
        Path shellcheck = onPath("shellcheck");
        Assumptions.assumeTrue(
                shellcheck != null,
                "shellcheck is not installed, so the shell scripts are not checked: apt-get install shellcheck "
                        + "(.ci/run installs it)");
        List<String> files = new ArrayList<>();
        for (Path s : scripts()) files.add(s.toString());
        files.addAll(embedded());

        ProcessBuilder pb = new ProcessBuilder(shellcheck.toString(), "--format=gcc", "--external-sources");
        pb.command().addAll(files);
        Path out = tmp.resolve("shellcheck.out");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out)).as("shellcheck " + files).isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    /** The shell kept in other files, each written to a file of its own with its shell's #! line. */
    private List<String> embedded() throws IOException {
        List<String> files = new ArrayList<>();
        JsonNode action =
                CompositeAction.YAML.readTree(Repository.path("action.yml").toFile());
        int i = 0;
        for (JsonNode step : action.path("runs").path("steps")) {
            if (step.has("run")) {
                files.add(write(
                        "action-step-" + ++i,
                        "#!/usr/bin/env bash\n" + step.get("run").asText()));
            }
        }
        GitLabTemplate gitlab = new GitLabTemplate();
        for (String job : List.of("preview", "preview-stop")) {
            files.add(write("gitlab-" + job, "#!/bin/sh\n" + gitlab.shell(job)));
        }
        for (String doc : List.of("README.md", "docs/CI.md")) {
            Matcher m = DOC_SCRIPT.matcher(Files.readString(Repository.path(doc)));
            int n = 0;
            while (m.find()) files.add(write(doc.replace('/', '-') + "-script-" + ++n, m.group(1)));
        }
        return files;
    }

    private String write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content).toString();
    }

    static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }
}
