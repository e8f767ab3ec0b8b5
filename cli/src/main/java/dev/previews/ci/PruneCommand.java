package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `prune`: delete the previews of branches that no longer exist. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Delete the previews of branches that no longer exist.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Deletes every preview of the namespace whose branch is not in the keep list:",
            "the cure for previews leaked by missed pull-request-closed events. The list",
            "is one branch per line, or the output of git ls-remote --heads origin.",
            "Run it on a schedule:",
            "  git ls-remote --heads origin | preview prune --keep-branches -",
            "When a namespace holds the previews of several repositories, deploy with",
            "--label app=NAME and prune with -l app=NAME: otherwise prune deletes the",
            "other repositories' previews too. With --github, the GitHub Deployments of",
            "the pruned branches' environments (preview/<branch>) are marked inactive."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:pruned (or, with --dry-run, listed)",
            "1:no kubeconfig, cluster unreachable, permission denied or CRD not installed (or, with --github-required, GitHub could not be told)",
            "2:invalid input, e.g. an empty keep list",
            "6:a preview was still there after --timeout"
        })
public final class PruneCommand extends CiCommand {
    @Option(
            order = 1,
            names = "--keep-branches",
            required = true,
            paramLabel = "FILE|-",
            description = "Branches to keep, one per line or as git ls-remote --heads prints them; - reads stdin.")
    String keepBranches;

    @Option(
            order = 2,
            names = {"-l", "--selector"},
            paramLabel = "SELECTOR",
            description = "Only consider previews with these labels, e.g. app=shop.")
    String selector;

    @Option(order = 3, names = "--dry-run", description = "Print what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
            order = 4,
            names = "--allow-empty",
            description = "Accept an empty keep list (deletes every preview). Without it an empty list is refused.")
    boolean allowEmpty;

    @Mixin
    Deletion deletion = new Deletion();

    @Mixin
    GitHubOptions github = new GitHubOptions();

    @Override
    protected int run() throws IOException, InterruptedException {
        Set<String> keep = KeepList.parse(readKeepList());
        if (keep.isEmpty() && !allowEmpty) {
            throw CliFailure.invalid(
                    "the keep list " + ("-".equals(keepBranches) ? "on stdin" : keepBranches)
                            + " names no branch; refusing to delete every preview (did git ls-remote fail?). Pass --allow-empty to do that.");
        }
        GitHubReporter reporter = dryRun ? null : GitHubReporter.create(github, terminal, null, this::say);
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            String namespace = cluster.namespace();
            List<PreviewDeployment> all = store.list(namespace, selector).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .toList();
            List<PreviewDeployment> stale =
                    all.stream().filter(p -> !keep.contains(Deletion.branch(p))).toList();
            say(all.size() + " preview(s) in namespace " + namespace + (selector == null ? "" : " matching " + selector)
                    + ", " + keep.size() + " branch(es) to keep: " + stale.size() + " to delete");
            if (dryRun) {
                stale.forEach(p -> out().println("would delete preview "
                        + p.getMetadata().getName() + " (branch " + Deletion.branch(p) + ")"));
                return ExitCodes.OK;
            }
            deletion.delete(this, store, stale);
            reporter.previewsDeleted(stale, null);
            return ExitCodes.OK;
        }
    }

    private String readKeepList() throws IOException {
        if ("-".equals(keepBranches)) {
            return new String(terminal.in().readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            return Files.readString(Path.of(keepBranches));
        } catch (NoSuchFileException e) {
            throw CliFailure.invalid("--keep-branches " + keepBranches + " does not exist");
        }
    }
}
