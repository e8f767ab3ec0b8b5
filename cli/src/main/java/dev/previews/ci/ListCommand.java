package dev.previews.ci;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `list`: the previews of a namespace, like `kubectl get pd -o wide`. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "List previews like kubectl get pd -o wide.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Lists the previews of a namespace (of all namespaces with -A), by name,",
            "with the columns of kubectl get pd -o wide: NAME, BRANCH, COMMIT, PHASE, URL,",
            "EXPIRES, AGE, PLAN, SEEDED, EXTERNAL."
        })
public final class ListCommand extends CiCommand {
    @Option(
            order = 1,
            names = {"-A", "--all-namespaces"},
            description = "List the previews of every namespace.")
    boolean allNamespaces;

    @Option(
            order = 2,
            names = {"-l", "--selector"},
            paramLabel = "SELECTOR",
            description = "Only previews with these labels, e.g. app=shop.")
    String selector;

    @Option(
            order = 3,
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (a List object, as kubectl get -o json prints it). Default: ${DEFAULT-VALUE}.")
    Format output;

    enum Format {
        table,
        json
    }

    @Override
    protected int run() {
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            String namespace = allNamespaces ? null : cluster.namespace();
            List<PreviewDeployment> previews = store.list(namespace, selector).stream()
                    .sorted(Comparator.comparing(
                                    (PreviewDeployment p) -> p.getMetadata().getNamespace())
                            .thenComparing(p -> p.getMetadata().getName()))
                    .toList();
            if (output == Format.json) {
                ObjectNode list = JsonNodeFactory.instance.objectNode();
                list.put("apiVersion", "v1");
                var items = list.putArray("items");
                previews.forEach(p -> items.add(store.toJson(p)));
                list.put("kind", "List");
                out().println(list.toPrettyString());
            } else if (previews.isEmpty()) {
                say("no previews" + (namespace == null ? "" : " in namespace " + namespace)
                        + (selector == null ? "" : " matching " + selector));
            } else {
                out().print(PreviewReport.table(previews, terminal.clock().instant(), allNamespaces));
            }
            return ExitCodes.OK;
        }
    }
}
