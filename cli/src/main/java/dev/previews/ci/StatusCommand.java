package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `status`: one preview, for people or as JSON. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Show one preview: phase, URLs, expiry, conditions, seed outcome.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Shows one preview: its branch, commit, phase, URLs, expiry, conditions and the",
            "seed's outcome. Name it, or give --branch; in CI the branch comes from the",
            "environment as for deploy."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:shown",
            "1:no kubeconfig, cluster unreachable, permission denied or CRD not installed",
            "2:invalid input",
            "8:no such preview"
        })
public final class StatusCommand extends CiCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Name of the preview.")
    String name;

    @Option(
            order = 1,
            names = {"-b", "--branch"},
            paramLabel = "BRANCH",
            description = "Show the preview of this branch instead.")
    String branch;

    @Option(
            order = 2,
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description =
                    "text or json (the whole object, as kubectl get -o json prints it). Default: ${DEFAULT-VALUE}.")
    Format output;

    enum Format {
        text,
        json
    }

    @Override
    protected int run() {
        Locate.Target target = Locate.target(name, branch, terminal);
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            String namespace = cluster.namespace();
            List<PreviewDeployment> found = Locate.find(store, namespace, target);
            if (found.isEmpty()) {
                throw new CliFailure(ExitCodes.NOT_FOUND, "no " + target.describe(namespace));
            }
            PreviewDeployment p = found.get(0);
            if (output == Format.json) {
                out().println(store.toJson(p).toPrettyString());
            } else {
                out().print(PreviewReport.detail(p, terminal.clock().instant()));
            }
            if (found.size() > 1) {
                say("note: " + (found.size() - 1) + " more preview(s) name branch " + target.branch() + ": "
                        + String.join(
                                ", ",
                                found.subList(1, found.size()).stream()
                                        .map(x -> x.getMetadata().getName())
                                        .toList())
                        + " (they wait with BranchConflict)");
            }
            return ExitCodes.OK;
        }
    }
}
