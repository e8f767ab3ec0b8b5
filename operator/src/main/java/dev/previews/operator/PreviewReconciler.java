package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.lifecycle.Decision;
import dev.previews.lifecycle.Failure;
import dev.previews.lifecycle.Lifecycle;
import dev.previews.notify.Notifier;
import dev.previews.policy.Admission;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnAddFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The glue between java-operator-sdk and the lifecycle: observe the preview ({@link Observations}),
 * decide ({@link Lifecycle#decide}, under the namespace's slot ledger), carry the actions out
 * ({@link DecisionExecutor}), record the Events the status difference deserves (and hand them to the
 * {@link Notifier}, which tells the webhooks of those they want), write the status, and look again
 * when the decision says. A failure the API server keeps returning reaches the status
 * ({@link Failure}) and is tried again after a growing pause.
 *
 * <p>Reconciles run on every event, deletions included (no finalizer: children go through garbage
 * collection), so that a deleted preview frees its slot and its branch at once; metadata-only changes
 * count too (the reseed annotation). A reconcile that finds nothing to change writes nothing.
 */
@ControllerConfiguration(
        name = "previews",
        triggerReconcilerOnAllEvents = true,
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = NotOnlyStatus.class, itemStore = LeanItemStore.Previews.class))
public class PreviewReconciler implements Reconciler<PreviewDeployment> {
    private static final Logger log = LoggerFactory.getLogger(PreviewReconciler.class);
    /** When to look again at a preview whose cached children turned out to be gone already. */
    static final Duration RECHECK_STALE_CACHE = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final Clock clock;
    private final ChildWriter writer;
    private final StatusReport status;
    private final PreviewObserver observer;
    private final PreviewIndex index = new PreviewIndex();
    private final SlotLedger ledger = new SlotLedger(index);
    private final Observations observations;
    private final PreviewEvents sources;
    private final WakeUpTimer wakeUps;
    private final ErrorBackoff backoff = new ErrorBackoff();
    private final ReconcileGate gate = new ReconcileGate();
    private DecisionExecutor executor;

    public PreviewReconciler(KubernetesClient client, OperatorConfig config, Clock clock, PreviewObserver observer) {
        this(client, config, clock, observer, Notifier.none(), new EventRecorder(client, clock));
    }

    /** @param events records the Events (off the reconcile: it queues them); the caller stops it */
    public PreviewReconciler(
            KubernetesClient client,
            OperatorConfig config,
            Clock clock,
            PreviewObserver observer,
            Notifier notifier,
            EventRecorder events) {
        this.client = client;
        this.observer = observer;
        this.clock = clock;
        this.writer = new ChildWriter(client);
        this.status = new StatusReport(client, events, notifier, observer);
        this.observations = new Observations(client, config, clock, index, writer);
        this.sources = new PreviewEvents(index);
        this.wakeUps = new WakeUpTimer(clock, sources::wake);
    }

    public WakeUpTimer wakeUps() {
        return wakeUps;
    }

    /** Whether the preview is in the operator's cache. */
    boolean knows(ResourceID preview) {
        return index.contains(preview);
    }

    /** Reconciles the preview again now, as if something about it had changed. */
    public void resync(ResourceID preview) {
        sources.wake(preview);
    }

    @Override
    public List<EventSource<?, PreviewDeployment>> prepareEventSources(EventSourceContext<PreviewDeployment> context) {
        List<EventSource<?, PreviewDeployment>> all = sources.prepare(context);
        observations.attach(sources.namespaces());
        executor = new DecisionExecutor(client, writer, sources.children());
        return all;
    }

    /**
     * The primary informer's add filter (set where the reconciler is registered): lets every preview
     * through, and tells the index that the preview is there before any reconcile of it can run.
     */
    OnAddFilter<PreviewDeployment> countingAdds() {
        return preview -> {
            index.added(preview);
            return true;
        };
    }

    @Override
    public UpdateControl<PreviewDeployment> reconcile(PreviewDeployment preview, Context<PreviewDeployment> context) {
        if (!gate.enter()) {
            // the operator is stopping: the next one to lead reconciles every preview at its start
            return UpdateControl.noUpdate();
        }
        try {
            if (context.isPrimaryResourceDeleted()) {
                gone(preview);
                return UpdateControl.noUpdate();
            }
            return lifecycle(preview, context);
        } catch (RuntimeException e) {
            if (!PreviewGone.in(e)) throw e;
            // the API server no longer has the preview: its deletion may have arrived while this reconcile ran,
            // and is not sure to be reconciled again; its slot and branch are free now
            log.debug(
                    "{}/{}: gone while it was being reconciled",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName());
            gone(preview);
            return UpdateControl.noUpdate();
        } finally {
            gate.exit();
        }
    }

    /**
     * Lets the reconciles under way finish (at most {@code timeout}) and starts no new one: called
     * before java-operator-sdk stops the informers the reconciles read.
     *
     * @return whether they all finished in time
     */
    public boolean finishReconciles(Duration timeout) throws InterruptedException {
        return gate.close(timeout);
    }

    private UpdateControl<PreviewDeployment> lifecycle(PreviewDeployment preview, Context<PreviewDeployment> context) {
        ResourceID id = ResourceID.fromResource(preview);
        int limit = observations.plan(preview).plan().map(Plan::maxPreviews).orElse(0);
        SlotLedger.Settled<Decision> settled = ledger.decide(
                preview,
                limit,
                (Admission.Decision slot) -> Lifecycle.decide(observations.of(
                        preview,
                        context,
                        slot,
                        name -> ledger.holds(preview.getMetadata().getNamespace(), name))),
                Decision::holdsSlot);
        Decision decision = settled.decision();
        if (settled.freed()) {
            sources.wakeWaiting(
                    preview.getMetadata().getNamespace(), preview.getMetadata().getName());
        }
        if (decision.status() == null && decision.actions().isEmpty()) {
            log.debug(
                    "{}/{}: being deleted, or its namespace is: nothing to do",
                    id.getNamespace().orElse(""),
                    id.getName());
            return UpdateControl.noUpdate();
        }
        boolean cacheCurrent;
        try {
            cacheCurrent = executor.execute(preview, decision);
        } catch (ChildWriter.Rejected e) {
            return failed(preview, context, Failure.Kind.REJECTED, e.getMessage(), null);
        } catch (ChildWriter.NotOurs e) {
            return failed(preview, context, Failure.Kind.NOT_OURS, e.getMessage(), backoff.failed(id));
        } catch (DecisionExecutor.ActionFailed e) {
            if (ApiErrors.isNamespaceTerminating(e.apiError())) {
                log.debug(
                        "{}/{}: the namespace is being deleted: {}",
                        id.getNamespace().orElse(""),
                        id.getName(),
                        e.getMessage());
                return UpdateControl.noUpdate();
            }
            if (ApiErrors.isTransient(e.apiError())) {
                throw e.apiError(); // java-operator-sdk's retries; past them, updateErrorStatus
            }
            return failed(preview, context, Failure.Kind.API_ERROR, e.getMessage(), backoff.failed(id));
        }
        backoff.succeeded(id);
        decision.notices()
                .forEach(n -> status.announce(
                        preview,
                        decision.status(),
                        n.warning() ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
                        n.reason(),
                        n.message()));
        if (decision.expired() != null) {
            observer.expired(preview, decision.expired());
        }
        wakeUps.wakeAt(id, decision.wakeAt());
        if (decision.status() != null) {
            status.report(preview, context, decision.status());
        }
        return cacheCurrent
                ? UpdateControl.noUpdate()
                : UpdateControl.<PreviewDeployment>noUpdate().rescheduleAfter(RECHECK_STALE_CACHE);
    }

    /** The status of a preview whose actions the API server refused, and when to try again. */
    private UpdateControl<PreviewDeployment> failed(
            PreviewDeployment preview,
            Context<PreviewDeployment> context,
            Failure.Kind kind,
            String message,
            Duration retryAfter) {
        status.report(preview, context, Failure.status(preview, kind, message, clock.instant()));
        UpdateControl<PreviewDeployment> done = UpdateControl.noUpdate();
        return retryAfter == null ? done : done.rescheduleAfter(retryAfter);
    }

    /** A deleted preview frees its slot and its branch: the previews waiting for them go on. */
    private void gone(PreviewDeployment preview) {
        String namespace = preview.getMetadata().getNamespace();
        String name = preview.getMetadata().getName();
        ResourceID id = ResourceID.fromResource(preview);
        wakeUps.cancel(id);
        backoff.succeeded(id);
        observer.deleted(preview);
        writer.forget(id);
        ledger.gone(namespace, name);
        index.gone(preview);
        sources.wakeWaiting(namespace, name);
        if (preview.getSpec() != null && preview.getSpec().getBranch() != null) {
            sources.wakeBranch(namespace, preview.getSpec().getBranch(), name);
        }
    }

    @Override
    public ErrorStatusUpdateControl<PreviewDeployment> updateErrorStatus(
            PreviewDeployment preview, Context<PreviewDeployment> context, Exception e) {
        boolean last = context.getRetryInfo().map(r -> r.isLastAttempt()).orElse(true);
        if (!last && ApiErrors.isConflict(e)) {
            // someone (often a Kubernetes controller) kept writing the object while the operator updated it
            // (ChildWriter reads it again after each 409): routine, and the retry starts from fresh state
            log.info(
                    "{}/{}: a child kept changing while it was being updated (409 Conflict, {} attempts), will retry",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    ChildWriter.UPDATE_ATTEMPTS);
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        log.warn(
                "{}/{}: reconcile failed{}: {}",
                preview.getMetadata().getNamespace(),
                preview.getMetadata().getName(),
                last ? " (reported in the status, trying again later)" : ", will retry",
                e.toString());
        if (!last) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        Duration retryAfter = backoff.failed(ResourceID.fromResource(preview));
        try {
            status.report(preview, null, Failure.status(preview, Failure.Kind.API_ERROR, message(e), clock.instant()));
        } catch (PreviewGone gone) {
            gone(preview);
            return ErrorStatusUpdateControl.noStatusUpdate();
        } catch (KubernetesClientException unwritable) {
            log.warn(
                    "{}/{}: could not write the failure to the status either: {}",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    unwritable.getMessage());
        }
        return ErrorStatusUpdateControl.<PreviewDeployment>noStatusUpdate().rescheduleAfter(retryAfter);
    }

    private static String message(Exception e) {
        return e instanceof KubernetesClientException k ? ApiErrors.message(k) : String.valueOf(e.getMessage());
    }
}
