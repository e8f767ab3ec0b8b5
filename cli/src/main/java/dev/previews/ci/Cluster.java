package dev.previews.ci;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client for the cluster the options and the environment name, with the namespace to work in.
 * Finds the kubeconfig itself (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster) so that a
 * missing one is reported as such instead of as a failed connection to a default address.
 */
public final class Cluster implements AutoCloseable {
    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private final KubernetesClient client;
    private final String namespace;
    private final String source;

    private Cluster(KubernetesClient client, String namespace, String source) {
        this.client = client;
        this.namespace = namespace;
        this.source = source;
    }

    public static Cluster connect(ClusterOptions options, Terminal terminal) {
        Config config;
        String source;
        if (options.kubeconfig != null) {
            source = options.kubeconfig.toString();
            if (!Files.isRegularFile(options.kubeconfig)) {
                throw CliFailure.error("--kubeconfig " + options.kubeconfig + " does not exist or is not a file");
            }
            config = load(options.context, options.kubeconfig);
        } else if (terminal.get("KUBECONFIG") != null) {
            List<Path> named = new ArrayList<>();
            for (String part : terminal.get("KUBECONFIG").split(File.pathSeparator)) {
                if (!part.isBlank()) named.add(Path.of(part.trim()));
            }
            List<Path> present = named.stream().filter(Files::isRegularFile).toList();
            source = "$KUBECONFIG (" + terminal.get("KUBECONFIG") + ")";
            if (present.isEmpty()) {
                throw CliFailure.error("KUBECONFIG names " + terminal.get("KUBECONFIG") + ", which does not exist. "
                        + "Write the cluster's kubeconfig there first (in CI, from a secret; see docs/CI.md).");
            }
            config = present.size() == 1 ? load(options.context, present.get(0)) : autoConfigure(options.context);
        } else if (Files.isRegularFile(terminal.home().resolve(".kube/config"))) {
            Path file = terminal.home().resolve(".kube/config");
            source = file.toString();
            config = load(options.context, file);
        } else if (terminal.get("KUBERNETES_SERVICE_HOST") != null
                && Files.isRegularFile(Path.of(SERVICE_ACCOUNT_TOKEN))) {
            source = "the in-cluster service account";
            config = autoConfigure(null);
        } else {
            throw CliFailure.error("""
          no kubeconfig: KUBECONFIG is not set, %s does not exist, and this is not a pod in a cluster.
          Point KUBECONFIG (or --kubeconfig) at a kubeconfig for the cluster that runs the operator; in CI,
          write it from a secret first (docs/CI.md shows how for GitHub Actions, Vercel and Netlify).""".formatted(terminal.home().resolve(".kube/config")));
        }
        // A CLI answers within seconds: few retries, bounded timeouts.
        config.setRequestRetryBackoffLimit(2);
        config.setRequestRetryBackoffInterval(250);
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(30_000);
        String namespace = options.namespace != null
                ? options.namespace
                : config.getNamespace() != null ? config.getNamespace() : "default";
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        return new Cluster(client, namespace, source);
    }

    private static Config load(String context, Path file) {
        try {
            return Config.fromKubeconfig(context, file.toFile());
        } catch (RuntimeException e) {
            throw CliFailure.error("cannot use kubeconfig " + file + (context == null ? "" : " with context " + context)
                    + ": " + Failures.rootMessage(e));
        }
    }

    private static Config autoConfigure(String context) {
        try {
            return Config.autoConfigure(context);
        } catch (RuntimeException e) {
            throw CliFailure.error("cannot configure the Kubernetes client: " + Failures.rootMessage(e));
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace;
    }
    /** Where the configuration came from, for error messages. */
    public String source() {
        return source;
    }

    public String server() {
        String url = client.getMasterUrl() == null ? "?" : client.getMasterUrl().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void close() {
        client.close();
    }
}
