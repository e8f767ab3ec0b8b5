package dev.previews.cli;

import dev.previews.operator.PreviewOperator;
import dev.previews.policy.ConfigLoader;
import dev.previews.policy.OperatorConfig;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `run`: the operator against the current kubeconfig or the in-cluster service account. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the operator against a cluster.",
        "%nConnects with the current kubeconfig (KUBECONFIG or ~/.kube/config), or with the in-cluster "
            + "service account when running in a pod. Logs go to stderr. Stops cleanly on SIGTERM or Ctrl-C.%n"})
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = {"-n", "--namespaces"}, split = ",", paramLabel = "NS",
      description = "Namespaces to watch, comma-separated (env WATCH_NAMESPACES); overrides the configuration file's. Default: all namespaces.")
  List<String> namespaces;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Operator configuration (plans, defaultPlan, ingress.hostTemplate, namespaces), YAML "
          + "(env PREVIEW_OPERATOR_CONFIG). Default: built-in plans starter (5d, 40) and professional (14d, 300).")
  Path configFile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    OperatorConfig config;
    try {
      config = loadConfig();
    } catch (ConfigLoader.ConfigException e) {
      spec.commandLine().getErr().println("preview-operator: bad configuration: " + e.getMessage());
      return 2;
    }
    List<String> watched = namespaces != null ? namespaces : fromEnv("WATCH_NAMESPACES");
    if (!watched.isEmpty()) {
      config = config.withNamespaces(new LinkedHashSet<>(watched));
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    log.info("connecting to {} (watching {})", client.getMasterUrl(),
        config.namespaces().isEmpty() ? "all namespaces" : String.join(", ", config.namespaces()));
    PreviewOperator operator = new PreviewOperator(client, config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      operator.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }

  /** The configuration file named by --config or PREVIEW_OPERATOR_CONFIG, else the defaults. */
  OperatorConfig loadConfig() throws ConfigLoader.ConfigException {
    Path file = configFile;
    if (file == null && System.getenv("PREVIEW_OPERATOR_CONFIG") != null && !System.getenv("PREVIEW_OPERATOR_CONFIG").isBlank()) {
      file = Path.of(System.getenv("PREVIEW_OPERATOR_CONFIG"));
    }
    return file == null ? OperatorConfig.defaults() : ConfigLoader.load(file);
  }

  private static List<String> fromEnv(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? List.of()
        : List.of(value.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
