package dev.previews.operator;

import dev.previews.notify.Notifier;
import dev.previews.policy.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: java-operator-sdk configured for plain create / update / merge-patch writes (no
 * server-side apply, so the mock API of the sandbox and tests runs the production code path), with
 * the preview reconciler registered for the configured namespaces.
 */
public final class PreviewOperator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreviewOperator.class);
    private final Operator operator;
    private final PreviewReconciler reconciler;
    private final Notifier notifier;
    private final EventRecorder events;

    public PreviewOperator(KubernetesClient client, OperatorConfig config, Clock clock) {
        this(client, config, clock, PreviewObserver.NONE, o -> {});
    }

    public PreviewOperator(
            KubernetesClient client,
            OperatorConfig config,
            Clock clock,
            Consumer<ConfigurationServiceOverrider> extra) {
        this(client, config, clock, PreviewObserver.NONE, extra);
    }

    /** With the notifications' and the Events' metrics in a registry of their own (nobody reads them). */
    public PreviewOperator(
            KubernetesClient client,
            OperatorConfig config,
            Clock clock,
            PreviewObserver observer,
            Consumer<ConfigurationServiceOverrider> extra) {
        this(client, config, clock, observer, new SimpleMeterRegistry(), extra);
    }

    /**
     * @param observer told of status transitions, expiries and deletions (metrics)
     * @param registry where the notifications' and the Events' metrics go
     * @param extra further java-operator-sdk settings (leader election, metrics, threads)
     */
    public PreviewOperator(
            KubernetesClient client,
            OperatorConfig config,
            Clock clock,
            PreviewObserver observer,
            MeterRegistry registry,
            Consumer<ConfigurationServiceOverrider> extra) {
        // the reconciles of the preview seen first go first: a burst's first previews are Ready early
        OldestFirstExecutor reconciles = new OldestFirstExecutor(1, this::knows);
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withCloseClientOnStop(false)
                    .withStopOnInformerErrorDuringStartup(true)
                    .withExecutorService(reconciles);
            extra.accept(o);
        });
        // as many threads as configured (java-operator-sdk's default, or a caller's)
        reconciles.resize(operator.getConfigurationService().concurrentReconciliationThreads());
        this.notifier = Notifier.start(config.notifications(), clock, registry);
        this.events = new EventRecorder(client, clock, registry);
        this.reconciler = new PreviewReconciler(client, config, clock, observer, notifier, events);
        operator.register(reconciler, o -> {
            o.withOnAddFilter(reconciler.countingAdds());
            if (config.namespaces().isEmpty()) {
                o.watchingAllNamespaces();
            } else {
                o.settingNamespaces(config.namespaces());
            }
        });
    }

    /** Whether the preview is in the operator's cache (true until the reconciler is there). */
    private boolean knows(ResourceID preview) {
        return reconciler == null || reconciler.knows(preview);
    }

    public PreviewOperator start() {
        operator.start();
        log.info("preview-operator started");
        return this;
    }

    public Operator operator() {
        return operator;
    }

    public WakeUpTimer wakeUps() {
        return reconciler.wakeUps();
    }

    /** Reconciles the preview again now (a forced resync of one preview). */
    public void resync(ResourceID preview) {
        reconciler.resync(preview);
    }

    /**
     * How long a stop waits for the reconciles under way; within the pod's 30 s grace period, and a
     * reconcile takes a few requests.
     */
    static final Duration RECONCILES_FINISH_WITHIN = Duration.ofSeconds(20);

    /**
     * Stops the operator: first the reconciles (those under way finish, no new one starts), then
     * java-operator-sdk (its informers), then the wake-up timer, then the Events (what is queued is
     * written, within a short grace), then the notifications (what is due within a short grace is
     * delivered, the rest dropped). A reconcile never runs on informers that have stopped, nor fails on
     * a timer that is already shut down, nor queues an Event or a notification that nobody will write.
     */
    @Override
    public void close() {
        try {
            if (!reconciler.finishReconciles(RECONCILES_FINISH_WITHIN)) {
                log.warn("stopping with reconciles still under way after {} s", RECONCILES_FINISH_WITHIN.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            operator.stop();
        } finally {
            reconciler.wakeUps().close();
            events.close();
            notifier.close();
        }
    }
}
