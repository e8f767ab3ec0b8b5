package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `delete`: remove a branch's preview, e.g. when its pull request is closed. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Delete a branch's preview and wait until it is gone.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Deletes a preview by name, or every preview of a branch (--branch, or in CI",
            "the branch from the environment as for deploy), and waits until it is gone;",
            "Kubernetes removes its Deployment, Service, Ingress and seed Jobs. A preview",
            "that does not exist is not an error: there is nothing to delete. With",
            "--github, the GitHub Deployments of the branch's environment preview/<branch>",
            "are marked inactive and the pull request's comment says the preview is gone."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:deleted, or there was nothing to delete",
            "1:no kubeconfig, cluster unreachable, permission denied or CRD not installed (or, with --github-required, GitHub could not be told)",
            "2:invalid input",
            "6:still there after --timeout"
        })
public final class DeleteCommand extends CiCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Name of the preview.")
    String name;

    @Option(
            order = 1,
            names = {"-b", "--branch"},
            paramLabel = "BRANCH",
            description = "Delete the previews of this branch instead.")
    String branch;

    @Mixin
    Deletion deletion = new Deletion();

    @Mixin
    GitHubOptions github = new GitHubOptions();

    @Override
    protected int run() throws InterruptedException {
        Locate.Target target = Locate.target(name, branch, terminal);
        GitHubReporter reporter = GitHubReporter.create(github, terminal, null, this::say);
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            List<PreviewDeployment> found = Locate.find(store, cluster.namespace(), target);
            if (found.isEmpty()) {
                say("no " + target.describe(cluster.namespace()) + "; nothing to delete");
            } else {
                deletion.delete(this, store, found);
            }
            // a branch whose preview is gone already (expired, deleted by hand) still has its GitHub deployments
            reporter.previewsDeleted(found, target.branch());
            return ExitCodes.OK;
        }
    }
}
