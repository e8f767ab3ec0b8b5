package dev.previews.ci;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a CI command reaches the cluster; shared by all of them. */
public final class ClusterOptions {
    @Option(
            order = 90,
            names = "--kubeconfig",
            paramLabel = "FILE",
            description =
                    "Kubeconfig file (default: $KUBECONFIG, then the one in your home directory, then the service account of the pod it runs in).")
    Path kubeconfig;

    @Option(
            order = 91,
            names = "--context",
            paramLabel = "NAME",
            description = "Kubeconfig context to use (default: its current context).")
    String context;

    @Option(
            order = 92,
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            description = "Namespace of the previews (default: the context's namespace, else 'default').")
    String namespace;

    @Option(
            order = 93,
            names = {"-v", "--verbose"},
            description = "Show the client library's log lines and the stack trace of unexpected errors.")
    boolean verbose;
}
