package dev.previews.ops;

import dev.previews.policy.ConfigLoader;
import dev.previews.policy.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `run`: the operator against the current kubeconfig or the in-cluster service account. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the operator against a cluster.",
            "%nConnects with the current kubeconfig (KUBECONFIG or ~/.kube/config), or with the in-cluster "
                    + "service account when running in a pod. Logs go to stderr. Stops cleanly on SIGTERM or Ctrl-C.%n"
        })
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = {"-n", "--namespaces"},
            split = ",",
            paramLabel = "NS",
            description =
                    "Namespaces to watch, comma-separated (env WATCH_NAMESPACES); overrides the configuration file's. Default: all namespaces.")
    List<String> namespaces;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Operator configuration (plans, defaultPlan, ingress.hostTemplate, namespaces, notifications), YAML "
                            + "(env PREVIEW_OPERATOR_CONFIG). Default: built-in plans starter (5d, 40) and professional (14d, 300).")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--management-port",
            paramLabel = "PORT",
            defaultValue = "${env:MANAGEMENT_PORT:-8081}",
            description =
                    "Port of /healthz, /readyz and /metrics on every interface (env MANAGEMENT_PORT; default: 8081; 0: any free port).")
    int managementPort;

    @Option(
            names = "--leader-election",
            negatable = true,
            defaultValue = "false",
            fallbackValue = "true",
            description =
                    "Elect a leader through a coordination.k8s.io Lease, so that only one replica reconciles (default: off; turn it on with more than one replica or rolling updates).")
    boolean leaderElection;

    @Option(
            names = "--lease-name",
            paramLabel = "NAME",
            defaultValue = ProcessOptions.DEFAULT_LEASE_NAME,
            description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
    String leaseName;

    @Option(
            names = "--lease-namespace",
            paramLabel = "NS",
            defaultValue = "${env:POD_NAMESPACE}",
            description =
                    "Namespace of the Lease (env POD_NAMESPACE; default: the namespace of the kubeconfig context or of the service account).")
    String leaseNamespace;

    @Option(
            names = "--lease-duration",
            paramLabel = "DURATION",
            description =
                    "How long a Lease lasts without renewal before a standby may take it (default: 15s; with --leader-election).")
    String leaseDuration;

    @Option(
            names = "--renew-deadline",
            paramLabel = "DURATION",
            description =
                    "How long the leader keeps trying to renew before it gives up and exits (default: 10s; shorter than the lease).")
    String renewDeadline;

    @Option(
            names = "--retry-period",
            paramLabel = "DURATION",
            description =
                    "How often the leader renews and a standby tries to take the Lease (default: 750ms; a failover takes at most "
                            + "the lease plus 2.2 retry periods).")
    String retryPeriod;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            defaultValue = "${env:LOG_FORMAT:-plain}",
            description = "Log format on standard error: ${COMPLETION-CANDIDATES} (env LOG_FORMAT; default: plain).")
    LogFormat logFormat;

    @Override
    public Integer call() throws InterruptedException {
        logFormat.apply();
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
        ProcessOptions options;
        try {
            options = processOptions();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("preview-operator: bad leader election timings: " + e.getMessage());
            return 2;
        }
        // with leader election, no write leaves a replica that may have lost the Lease (see LeaseFence)
        LeaseFence fence =
                options.leaderElection() ? new LeaseFence(options.leaseTimings().leaseDuration()) : null;
        KubernetesClient client = new KubernetesClientBuilder()
                .withHttpClientBuilderConsumer(b -> {
                    if (fence != null) b.addOrReplaceInterceptor("lease-fence", fence);
                })
                .build();
        log.info(
                "connecting to {} (watching {})",
                client.getMasterUrl(),
                config.namespaces().isEmpty() ? "all namespaces" : String.join(", ", config.namespaces()));
        AtomicReference<OperatorProcess> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping");
                            OperatorProcess process = running.get();
                            if (process != null) process.close();
                            client.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        try {
            running.set(OperatorProcess.start(client, config, Clock.systemUTC(), options));
        } catch (RuntimeException e) {
            log.error("the operator could not start: {}", causes(e), e);
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** The configuration file named by --config or PREVIEW_OPERATOR_CONFIG, else the defaults. */
    OperatorConfig loadConfig() throws ConfigLoader.ConfigException {
        Path file = configFile;
        if (file == null
                && System.getenv("PREVIEW_OPERATOR_CONFIG") != null
                && !System.getenv("PREVIEW_OPERATOR_CONFIG").isBlank()) {
            file = Path.of(System.getenv("PREVIEW_OPERATOR_CONFIG"));
        }
        return file == null ? OperatorConfig.defaults() : ConfigLoader.load(file);
    }

    /** The process options the command line asks for; IllegalArgumentException for timings that cannot work. */
    public ProcessOptions processOptions() {
        ProcessOptions options = ProcessOptions.defaults()
                .withManagementPort(managementPort)
                .withLeaseTimings(LeaseTimings.parse(leaseDuration, renewDeadline, retryPeriod));
        return leaderElection ? options.withLeaderElection(leaseName, blankToNull(leaseNamespace), null) : options;
    }

    /** The messages of the exception and its causes: "Error starting operator" alone says nothing. */
    static String causes(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null && messages.size() < 5; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (messages.stream().noneMatch(m::contains)) messages.add(m);
        }
        return String.join(": ", messages);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static List<String> fromEnv(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank()
                ? List.of()
                : List.of(value.split(",")).stream()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
    }
}
