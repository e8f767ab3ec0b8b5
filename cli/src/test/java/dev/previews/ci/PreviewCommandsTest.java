package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.api.PreviewDeployment;
import dev.previews.sandbox.Sandbox;
import dev.previews.testing.Previews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, list, delete and prune against the sandbox, on previews made by deploy. */
class PreviewCommandsTest {
    static final String IMAGE = "registry.example.com/shop/api:{{shortCommit}}";

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(Sandbox.Options.defaults().withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static CliRunner.Result cli(Map<String, String> env, String... args) {
        return CliRunner.run(env, tmp, withCluster(args));
    }

    static String[] withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--kubeconfig", kubeconfig.toString()));
        if (!args[0].equals("list") && !args[0].equals("status")) all.addAll(List.of("--poll-interval", "50ms"));
        return all.toArray(String[]::new);
    }

    static void deployed(String namespace, String branch, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "deploy", "-n", namespace, "--branch", branch, "--commit", Previews.COMMIT_A, "--image", IMAGE));
        args.addAll(List.of(more));
        CliRunner.Result r = cli(Map.of(), args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
    }

    static List<String> names(String namespace) {
        return sandbox.client().resources(PreviewDeployment.class).inNamespace(namespace).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    @Test
    void statusByNameByBranchAndFromTheCiEnvironment() throws Exception {
        deployed("status", "feature/status");
        String name = PreviewNaming.nameFor("feature/status");

        CliRunner.Result byName = cli(Map.of(), "status", name, "-n", "status");
        assertThat(byName.code()).as(byName.toString()).isZero();
        assertThat(byName.out())
                .contains("Name:")
                .contains(name)
                .contains("Branch:")
                .contains("feature/status")
                .contains("Phase:")
                .contains("Ready")
                .contains("URL:")
                .contains("http://" + name + ".status.svc.cluster.local")
                .contains("Expires:")
                .contains("Conditions:")
                .containsPattern("Provisioned\\s+True\\s+Available");

        CliRunner.Result byBranch = cli(Map.of(), "status", "--branch", "feature/status", "-n", "status", "-o", "json");
        assertThat(byBranch.code()).as(byBranch.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(byBranch.out());
        assertThat(json.path("metadata").path("name").asText()).isEqualTo(name);
        assertThat(json.path("status").path("phase").asText()).isEqualTo("Ready");

        CliRunner.Result fromGitLab = cli(
                Map.of("GITLAB_CI", "true", "CI_COMMIT_REF_NAME", "feature/status", "CI_COMMIT_SHA", Previews.COMMIT_A),
                "status",
                "-n",
                "status");
        assertThat(fromGitLab.code()).as(fromGitLab.toString()).isZero();
        assertThat(fromGitLab.out()).contains(name);

        CliRunner.Result missing = cli(Map.of(), "status", "nope", "-n", "status");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no preview nope in namespace status");

        CliRunner.Result noTarget = cli(Map.of(), "status", "-n", "status");
        assertThat(noTarget.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(noTarget.err()).contains("which preview?").contains("GITHUB_HEAD_REF");
    }

    @Test
    void listPrintsTheWideTableAndJson() throws Exception {
        deployed("list", "main");
        deployed("list", "feature/table", "--label", "app=shop");
        String feature = PreviewNaming.nameFor("feature/table");

        CliRunner.Result table = cli(Map.of(), "list", "-n", "list");
        assertThat(table.code()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0).split("\\s+"))
                .containsExactly(
                        "NAME", "BRANCH", "COMMIT", "PHASE", "URL", "EXPIRES", "AGE", "PLAN", "SEEDED", "EXTERNAL");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).split("\\s+")).startsWith(feature, "feature/table", "a1b2c3d", "Ready");
        assertThat(lines.get(1)).contains("starter").contains("True");
        assertThat(lines.get(2).split("\\s+"))
                .startsWith("main", "main", "a1b2c3d", "Ready", "http://main.list.svc.cluster.local");

        CliRunner.Result selected = cli(Map.of(), "list", "-n", "list", "-l", "app=shop", "-o", "json");
        assertThat(selected.code()).as(selected.toString()).isZero();
        JsonNode list = new ObjectMapper().readTree(selected.out());
        assertThat(list.path("kind").asText()).isEqualTo("List");
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("spec").path("branch").asText())
                .isEqualTo("feature/table");

        CliRunner.Result all = cli(Map.of(), "list", "-A");
        assertThat(all.out().lines().findFirst().orElseThrow()).startsWith("NAMESPACE");
        assertThat(all.out()).contains("list ").contains(feature);

        CliRunner.Result empty = cli(Map.of(), "list", "-n", "nothing-here");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).isEmpty();
        assertThat(empty.err()).contains("no previews in namespace nothing-here");
    }

    @Test
    void deleteByNameAndByTheBranchOfAClosedPullRequestWaitsUntilGone() {
        deployed("delete", "feature/a");
        deployed("delete", "feature/b");
        String a = PreviewNaming.nameFor("feature/a");
        String b = PreviewNaming.nameFor("feature/b");

        CliRunner.Result byName = cli(Map.of(), "delete", a, "-n", "delete");
        assertThat(byName.code()).as(byName.toString()).isZero();
        assertThat(byName.out()).isEqualTo("deleted preview " + a + " (branch feature/a)\n");
        assertThat(names("delete")).containsExactly(b);

        Map<String, String> prClosed = Map.of(
                "GITHUB_ACTIONS",
                "true",
                "GITHUB_HEAD_REF",
                "feature/b",
                "GITHUB_REF_NAME",
                "8/merge",
                "GITHUB_SHA",
                Previews.COMMIT_B);
        CliRunner.Result byBranch = cli(prClosed, "delete", "-n", "delete");
        assertThat(byBranch.code()).as(byBranch.toString()).isZero();
        assertThat(byBranch.out()).isEqualTo("deleted preview " + b + " (branch feature/b)\n");
        assertThat(names("delete")).isEmpty();

        CliRunner.Result again = cli(prClosed, "delete", "-n", "delete");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.err()).contains("no preview for branch feature/b in namespace delete; nothing to delete");
    }

    @Test
    void pruneDryRunListsAndPruneDeletesThePreviewsOfGoneBranches() throws Exception {
        for (String branch : List.of("main", "feature/kept", "feature/merged", "fix/abandoned")) {
            deployed("prune", branch);
        }
        deployed("prune", "other-repo", "--label", "app=other");
        String lsRemote = """
        3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\tHEAD
        3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\trefs/heads/main
        9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\trefs/heads/feature/kept
        """;
        List<String> before = names("prune");

        CliRunner.Result dry = CliRunner.runWithStdin(
                Map.of(),
                tmp,
                lsRemote,
                withCluster("prune", "-n", "prune", "--keep-branches", "-", "--dry-run", "-l", "app!=other"));
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out().lines().toList())
                .containsExactlyInAnyOrder(
                        "would delete preview " + PreviewNaming.nameFor("feature/merged") + " (branch feature/merged)",
                        "would delete preview " + PreviewNaming.nameFor("fix/abandoned") + " (branch fix/abandoned)");
        assertThat(names("prune")).isEqualTo(before);

        Path keepFile = Files.writeString(tmp.resolve("keep.txt"), lsRemote);
        CliRunner.Result pruned =
                cli(Map.of(), "prune", "-n", "prune", "--keep-branches", keepFile.toString(), "-l", "app!=other");
        assertThat(pruned.code()).as(pruned.toString()).isZero();
        assertThat(pruned.out().lines().toList())
                .containsExactlyInAnyOrder(
                        "deleted preview " + PreviewNaming.nameFor("feature/merged") + " (branch feature/merged)",
                        "deleted preview " + PreviewNaming.nameFor("fix/abandoned") + " (branch fix/abandoned)");
        assertThat(names("prune"))
                .containsExactlyInAnyOrder("main", PreviewNaming.nameFor("feature/kept"), "other-repo");

        CliRunner.Result empty = CliRunner.runWithStdin(
                Map.of(), tmp, "\n", withCluster("prune", "-n", "prune", "--keep-branches", "-"));
        assertThat(empty.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(empty.err()).contains("names no branch; refusing to delete every preview");
        assertThat(names("prune")).hasSize(3);
    }
}
