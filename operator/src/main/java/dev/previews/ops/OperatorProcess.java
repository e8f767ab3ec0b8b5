package dev.previews.ops;

import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as a process runs it: the {@link PreviewOperator} with java-operator-sdk's Micrometer
 * metrics and the project's own ({@link PreviewMetrics}), leader election through a Lease when
 * asked, and the {@link ManagementServer}. {@code run} builds one; tests build one against the mock
 * API.
 */
public final class OperatorProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorProcess.class);

    /** The replica's role: it reconciles (leader, or no election), or waits for the Lease (standby). */
    public enum Role {
        LEADER,
        STANDBY,
        SOLE
    }

    private final PreviewOperator operator;
    private final PrometheusMeterRegistry registry;
    private final PreviewMetrics metrics;
    private final JvmGcMetrics gcMetrics;
    private final ManagementServer server;
    private final String identity;
    private final boolean leaderElection;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicReference<String> leader = new AtomicReference<>();
    private final AtomicBoolean closing = new AtomicBoolean();

    private OperatorProcess(KubernetesClient client, OperatorConfig config, Clock clock, ProcessOptions options) {
        this.leaderElection = options.leaderElection();
        this.identity = Optional.ofNullable(options.identity())
                .filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(s -> !s.isBlank()))
                .orElseGet(() -> UUID.randomUUID().toString());
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        this.metrics = new PreviewMetrics(registry, config.plans().keySet());
        Gauge.builder("preview.operator.leader", () -> role() == Role.STANDBY ? 0 : 1)
                .description("1 when this replica reconciles (leader, or leader election off), 0 on standby")
                .register(registry);

        this.operator = new PreviewOperator(client, config, clock, metrics, registry, o -> {
            o.withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                        options.leaseName(),
                        options.leaseNamespace(),
                        options.leaseTimings().leaseDuration(),
                        options.leaseTimings().renewDeadline(),
                        options.leaseTimings().retryPeriod(),
                        identity,
                        callbacks(options.onLostLeadership()),
                        false));
            }
        });
        try {
            this.server = ManagementServer.start(
                    options.managementPort(), this::readiness, registry, () -> metrics.refresh(previews()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the management port " + options.managementPort(), e);
        }
    }

    /**
     * Starts the management server, then the operator; returns once the operator's caches are synced
     * (a standby replica then waits for the Lease in the background).
     */
    public static OperatorProcess start(
            KubernetesClient client, OperatorConfig config, Clock clock, ProcessOptions options) {
        OperatorProcess process = new OperatorProcess(client, config, clock, options);
        try {
            process.operator.start();
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        process.metrics.rememberReady(process.previews());
        log.info(
                "operator started ({}{})",
                options.leaderElection() ? "leader election on, identity " : "leader election off",
                options.leaderElection() ? process.identity : "");
        return process;
    }

    private LeaderCallbacks callbacks(Runnable onLostLeadership) {
        return new LeaderCallbacks(
                () -> {
                    leading.set(true);
                    log.info("{} leads: reconciling", identity);
                },
                () -> {
                    boolean was = leading.getAndSet(false);
                    // Also called when this replica stops on purpose (close()): nothing to do then.
                    if (!closing.get()) {
                        log.error(
                                "{} {} the lease; stopping so that only one replica reconciles",
                                identity,
                                was ? "lost" : "could not keep");
                        onLostLeadership.run();
                    }
                },
                newLeader -> {
                    leader.set(newLeader);
                    if (!Objects.equals(newLeader, identity)) {
                        log.info("{} stands by: {} leads", identity, newLeader);
                    }
                });
    }

    /**
     * Exits from a new thread: java-operator-sdk 5.2.3 calls back on the thread that cancels the
     * election, which may be a shutdown hook, and {@code System.exit} there would block for ever.
     */
    static void exitAfterLostLeadership() {
        Thread t = new Thread(() -> System.exit(1), "exit-after-lost-leadership");
        t.setDaemon(false);
        t.start();
    }

    public Role role() {
        if (!leaderElection) return Role.SOLE;
        return leading.get() ? Role.LEADER : Role.STANDBY;
    }

    public String identity() {
        return identity;
    }

    /** Ready when started and every informer is synced and watching; leader and standby alike. */
    public ManagementServer.Readiness readiness() {
        if (closing.get()) {
            return new ManagementServer.Readiness(false, "stopping");
        }
        RuntimeInfo info = operator.operator().getRuntimeInfo();
        if (!info.isStarted()) {
            return new ManagementServer.Readiness(false, "starting: waiting for the informers to sync");
        }
        Map<String, List<String>> unhealthy = operator.operator().getRegisteredControllers().stream()
                .map(rc -> (RegisteredController<?>) rc)
                .filter(rc ->
                        !rc.getControllerHealthInfo().unhealthyEventSources().isEmpty())
                .collect(Collectors.toMap(
                        rc -> rc.getConfiguration().getName(),
                        rc -> rc.getControllerHealthInfo().unhealthyEventSources().keySet().stream()
                                .sorted()
                                .toList()));
        if (!unhealthy.isEmpty()) {
            return new ManagementServer.Readiness(
                    false, "not ready: event sources not synced or not watching: " + unhealthy);
        }
        return new ManagementServer.Readiness(
                true,
                switch (role()) {
                    case SOLE -> "ready";
                    case LEADER -> "ready: leader (" + identity + ")";
                    case STANDBY ->
                        "ready: standby (" + identity + "), leader: "
                                + Objects.requireNonNullElse(leader.get(), "unknown");
                });
    }

    /** The previews in the operator's cache (empty before the operator started). */
    @SuppressWarnings("unchecked")
    List<PreviewDeployment> previews() {
        return operator.operator().getRegisteredControllers().stream()
                .filter(rc -> rc instanceof Controller<?> c
                        && c.getConfiguration().getResourceClass() == PreviewDeployment.class)
                .findFirst()
                .map(rc -> ((Controller<PreviewDeployment>) rc)
                        .getEventSourceManager()
                        .getControllerEventSource())
                .map(source -> {
                    try {
                        return source.list(p -> true).toList();
                    } catch (RuntimeException e) {
                        return List.<PreviewDeployment>of(); // not started yet
                    }
                })
                .orElse(List.of());
    }

    public int managementPort() {
        return server.port();
    }

    public PreviewOperator operator() {
        return operator;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            operator.close();
        } finally {
            server.close();
            gcMetrics.close();
            registry.close();
        }
    }
}
