package dev.previews.operator;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions;
import dev.previews.api.Conditions.Provisioned;
import dev.previews.api.Conditions.Seed;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.policy.Admission;
import dev.previews.policy.ConditionSet;
import dev.previews.policy.Expiry;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.spec.Durations;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import dev.previews.workload.BackendResources;
import dev.previews.workload.DeploymentHealth;
import dev.previews.workload.SeedJobs;
import dev.previews.workload.SeedOutcome;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnAddFilter;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one preview, in the order DESIGN.md gives it: check the spec, resolve the plan,
 * expire when the time is up, hold the branch, take a slot under the deployment limit, provision
 * (recreating on a new commit), seed, and report. Every step writes only what changed.
 *
 * <p>Reconciles run on every event, deletions included (no finalizer: children go through garbage
 * collection), so that a deleted preview frees its slot and its branch at once; metadata-only
 * changes count too (the reseed annotation). A reconcile that finds nothing to change writes nothing.
 */
@ControllerConfiguration(
        name = "previews",
        triggerReconcilerOnAllEvents = true,
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = PreviewReconciler.NotOnlyStatus.class))
public class PreviewReconciler implements Reconciler<PreviewDeployment> {
    /**
     * Reconciles updates that change more than the status: spec, labels, annotations (the reseed
     * annotation), finalizers, deletion. An update of the status alone is, but for someone editing it
     * by hand, the operator's own status write coming back, and reconciling it found nothing to do
     * (three reconciles per preview from creation to Ready, 40% of them, in the benchmark).
     */
    public static final class NotOnlyStatus implements OnUpdateFilter<PreviewDeployment> {
        @Override
        public boolean accept(PreviewDeployment before, PreviewDeployment after) {
            var b = before.getMetadata();
            var a = after.getMetadata();
            return !Objects.equals(b.getGeneration(), a.getGeneration())
                    || !Objects.equals(before.getSpec(), after.getSpec())
                    || !Objects.equals(b.getLabels(), a.getLabels())
                    || !Objects.equals(b.getAnnotations(), a.getAnnotations())
                    || !Objects.equals(b.getDeletionTimestamp(), a.getDeletionTimestamp())
                    || !Objects.equals(b.getFinalizers(), a.getFinalizers())
                    || !Objects.equals(b.getOwnerReferences(), a.getOwnerReferences());
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PreviewReconciler.class);
    /** When to look again at a preview whose cached children turned out to be gone already. */
    static final Duration RECHECK_STALE_CACHE = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final Clock clock;
    private final ChildWriter writer;
    private final EventRecorder events;
    private final PreviewObserver observer;
    private final PreviewIndex index = new PreviewIndex();
    private final SeedFingerprints seedFingerprints = new SeedFingerprints();
    private final SimpleInboundEventSource<PreviewDeployment> wakeUps = new SimpleInboundEventSource<>("wake-ups");
    private final ExpiryTimer expiryTimer;
    private final ReconcileGate gate = new ReconcileGate();
    private InformerEventSource<Namespace, PreviewDeployment> namespaces;
    private InformerEventSource<Deployment, PreviewDeployment> deployments;
    private InformerEventSource<Service, PreviewDeployment> services;
    private InformerEventSource<Ingress, PreviewDeployment> ingresses;
    private InformerEventSource<Job, PreviewDeployment> jobs;

    public PreviewReconciler(KubernetesClient client, OperatorConfig config, Clock clock, PreviewObserver observer) {
        this.client = client;
        this.observer = observer;
        this.config = config;
        this.clock = clock;
        this.writer = new ChildWriter(client);
        this.events = new EventRecorder(client, clock);
        this.expiryTimer = new ExpiryTimer(clock, wakeUps::propagateEvent);
    }

    public ExpiryTimer expiryTimer() {
        return expiryTimer;
    }

    @Override
    public List<EventSource<?, PreviewDeployment>> prepareEventSources(EventSourceContext<PreviewDeployment> context) {
        index.attach(context.getPrimaryCache());
        deployments = owned(context, Deployment.class);
        jobs = owned(context, Job.class);
        namespaces = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, PreviewDeployment.class)
                        .withName("namespaces")
                        // Namespaces are cluster-scoped: one informer for all of them, whatever namespaces the
                        // controller watches (otherwise the plan label is looked up where it is not cached).
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper(
                                ns -> index.inNamespace(ns.getMetadata().getName()).stream()
                                        .map(ResourceID::fromResource)
                                        .collect(Collectors.toSet()))
                        .withOnUpdateFilter((before, after) -> !Objects.equals(planLabel(before), planLabel(after)))
                        .build(),
                context);
        services = owned(context, Service.class);
        ingresses = owned(context, Ingress.class);
        return List.of(deployments, services, ingresses, jobs, namespaces, wakeUps);
    }

    private static <R extends HasMetadata> InformerEventSource<R, PreviewDeployment> owned(
            EventSourceContext<PreviewDeployment> context, Class<R> type) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, PreviewDeployment.class)
                        .withName(type.getSimpleName().toLowerCase())
                        .withLabelSelector(PreviewNames.MANAGED_SELECTOR)
                        .build(),
                context);
    }

    @Override
    public UpdateControl<PreviewDeployment> reconcile(PreviewDeployment preview, Context<PreviewDeployment> context) {
        if (!gate.enter()) {
            // the operator is stopping: the next one to lead reconciles every preview at its start
            return UpdateControl.noUpdate();
        }
        try {
            return lifecycle(preview, context);
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
        if (context.isPrimaryResourceDeleted()) {
            onDeleted(preview);
            return UpdateControl.noUpdate();
        }
        if (PreviewIndex.isDeleting(preview)) {
            return UpdateControl.noUpdate();
        }
        if (namespaceBeingDeleted(preview.getMetadata().getNamespace())) {
            return leftToNamespaceDeletion(preview, "the namespace informer shows it");
        }
        PreviewDeploymentStatus before = preview.getStatus();
        Step step = new Step(preview, context, clock.instant());
        try {
            step.run();
        } catch (KubernetesClientException e) {
            if (!ApiErrors.isNamespaceTerminating(e)) {
                throw e;
            }
            // the deletion began after the informer was read
            return leftToNamespaceDeletion(preview, e.getMessage());
        }
        PreviewDeploymentStatus after = step.status;
        if (step.deleted) {
            return UpdateControl.noUpdate();
        }
        TransitionEvents.between(before, after).forEach(n -> events.record(preview, n.type(), n.reason(), n.message()));
        boolean leftTheLine = (PreviewIndex.holdsSlot(preview) || PreviewIndex.waitsForSlot(preview))
                && !holdsOrWaits(preview, after);
        if (leftTheLine) {
            index.release(
                    preview.getMetadata().getNamespace(), preview.getMetadata().getName());
            wakeWaiters(
                    preview.getMetadata().getNamespace(), preview.getMetadata().getName());
        }
        expiryTimer.wakeAt(
                ResourceID.fromResource(preview),
                after.getPhase() == Phase.Expired ? null : Timestamps.parse(after.getExpiresAt()));
        UpdateControl<PreviewDeployment> done = step.recheckAfter == null
                ? UpdateControl.noUpdate()
                : UpdateControl.<PreviewDeployment>noUpdate().rescheduleAfter(step.recheckAfter);
        if (after.equals(before)) {
            return done;
        }
        observer.statusChanged(preview, before, after);
        // Not UpdateControl.patchStatus: java-operator-sdk 5 does not put what that returns into its cache,
        // so a reconcile that follows at once (the seed Job's creation event, say) would still see the old
        // status, make the same transition again and write it and its Event a second time. This writes the
        // status (see StatusWrite) and caches the answer.
        PrimaryUpdateAndCacheUtils.updateAndCacheResource(
                preview, context, UnaryOperator.identity(), current -> StatusWrite.write(client, current, after));
        return done;
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

    private boolean holdsOrWaits(PreviewDeployment preview, PreviewDeploymentStatus status) {
        PreviewDeployment probe = new PreviewDeployment();
        probe.setMetadata(preview.getMetadata());
        probe.setSpec(preview.getSpec());
        probe.setStatus(status);
        return PreviewIndex.holdsSlot(probe) || PreviewIndex.waitsForSlot(probe);
    }

    /** A deleted preview frees its slot and its branch: the previews waiting for them go on. */
    private void onDeleted(PreviewDeployment preview) {
        String namespace = preview.getMetadata().getNamespace();
        String name = preview.getMetadata().getName();
        expiryTimer.cancel(ResourceID.fromResource(preview));
        observer.deleted(preview);
        writer.forget(ResourceID.fromResource(preview));
        seedFingerprints.forget(ResourceID.fromResource(preview));
        index.release(namespace, name);
        index.gone(preview);
        wakeWaiters(namespace, name);
        if (preview.getSpec() != null && preview.getSpec().getBranch() != null) {
            index.othersOnBranch(namespace, preview.getSpec().getBranch(), name)
                    .forEach(p -> wakeUps.propagateEvent(ResourceID.fromResource(p)));
        }
    }

    private void wakeWaiters(String namespace, String except) {
        index.waiting(namespace).stream()
                .filter(p -> !p.getMetadata().getName().equals(except))
                .forEach(p -> wakeUps.propagateEvent(ResourceID.fromResource(p)));
    }

    /**
     * The namespace controller is deleting everything in the preview's namespace, the preview too: the
     * children it removes first are not created again (the API server would refuse them), and that is
     * no failure.
     */
    private UpdateControl<PreviewDeployment> leftToNamespaceDeletion(PreviewDeployment preview, String how) {
        log.debug(
                "{}/{}: the namespace is being deleted, nothing to do ({})",
                preview.getMetadata().getNamespace(),
                preview.getMetadata().getName(),
                how);
        return UpdateControl.noUpdate();
    }

    private boolean namespaceBeingDeleted(String namespace) {
        return namespaces
                .get(new ResourceID(namespace))
                .map(ns -> ns.getMetadata().getDeletionTimestamp() != null)
                .orElse(false);
    }

    private static String planLabel(Namespace ns) {
        return ns.getMetadata().getLabels() == null
                ? null
                : ns.getMetadata().getLabels().get(OperatorConfig.PLAN_LABEL);
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
                last ? " (giving up until the next change)" : ", will retry",
                e.toString());
        if (last) {
            events.record(preview, EventRecorder.Type.Warning, "ReconcileError", String.valueOf(e.getMessage()));
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    /** One pass over one preview's lifecycle; {@link #status} is what it should report afterwards. */
    private final class Step {
        private final PreviewDeployment preview;
        private final Context<PreviewDeployment> context;
        private final Instant now;
        private final String namespace;
        private final String name;
        private final Long generation;
        private final PreviewDeploymentStatus current;
        private final PreviewDeploymentStatus status;
        private boolean deleted;
        private Duration recheckAfter;

        Step(PreviewDeployment preview, Context<PreviewDeployment> context, Instant now) {
            this.preview = preview;
            this.context = context;
            this.now = now;
            this.namespace = preview.getMetadata().getNamespace();
            this.name = preview.getMetadata().getName();
            this.generation = preview.getMetadata().getGeneration();
            this.current = preview.getStatus() == null ? new PreviewDeploymentStatus() : preview.getStatus();
            this.status = client.getKubernetesSerialization().clone(current);
            status.setObservedGeneration(generation);
        }

        void run() {
            SpecCheck.Result check = SpecCheck.check(preview, config.ingressHostTemplate());
            if (!check.ok()) {
                blocked(Provisioned.INVALID_SPEC, check.message() + keptNote(), Phase.Invalid);
                return;
            }
            Optional<Plan> plan = resolvePlan();
            if (plan.isEmpty()) {
                return;
            }
            if (expire(plan.get())) {
                return;
            }
            if (branchTaken()) {
                return;
            }
            if (!admitted(plan.get())) {
                return;
            }
            try {
                if (!provision(check.resolved(), plan.get())) {
                    return;
                }
                seed(check.resolved());
            } catch (ChildWriter.Rejected | ChildWriter.NotOurs e) {
                blocked(
                        e instanceof ChildWriter.Rejected ? Provisioned.INVALID_SPEC : Provisioned.PROVISION_FAILED,
                        e.getMessage(),
                        e instanceof ChildWriter.Rejected ? Phase.Invalid : Phase.Failed);
                return;
            }
            summarize();
        }

        // ---- plan ------------------------------------------------------------------------------

        private Optional<Plan> resolvePlan() {
            String label = namespaces
                    .get(new ResourceID(namespace))
                    .map(PreviewReconciler::planLabel)
                    .orElse(null);
            String planName = label == null || label.isBlank() ? config.defaultPlan() : label;
            Optional<Plan> plan = config.plan(planName);
            if (plan.isEmpty()) {
                blocked(
                        Provisioned.UNKNOWN_PLAN,
                        "namespace " + namespace + " has the label " + OperatorConfig.PLAN_LABEL
                                + "=" + planName + ", which names no configured plan (configured: "
                                + String.join(", ", config.plans().keySet()) + ")" + keptNote(),
                        Phase.Failed);
                return Optional.empty();
            }
            status.setPlan(planName);
            return plan;
        }

        // ---- expiry ----------------------------------------------------------------------------

        /** True when the preview is expired: deleted, or deprovisioned and kept until a new commit. */
        private boolean expire(Plan plan) {
            boolean sameCommit = preview.getSpec().getCommit().equals(current.getCommit());
            if (!sameCommit) {
                return false;
            }
            if (current.getPhase() == Phase.Expired) {
                deprovision();
                return true;
            }
            if (!Expiry.isDue(Timestamps.parse(current.getExpiresAt()), now)) {
                return false;
            }
            String message = "the preview's time ran out at " + current.getExpiresAt() + " (plan " + plan.name() + ")";
            if (plan.expiry() == ExpiryPolicy.Delete) {
                events.record(preview, EventRecorder.Type.Normal, "Expired", message + "; deleting the preview");
                client.resource(preview)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete();
                observer.expired(preview, plan.expiry());
                deleted = true;
                return true;
            }
            deprovision();
            observer.expired(preview, plan.expiry());
            String note = message + "; its workloads were deleted, push a new commit to provision it again";
            condition(PROVISIONED, FALSE, Provisioned.EXPIRED, note);
            condition(READY, FALSE, Provisioned.EXPIRED, note);
            status.setPhase(Phase.Expired);
            return true;
        }

        private void deprovision() {
            for (Class<? extends HasMetadata> type :
                    List.of(Job.class, Ingress.class, Service.class, Deployment.class)) {
                context.getSecondaryResources(type)
                        .forEach(child -> writer.delete(child, DeletionPropagation.BACKGROUND));
            }
        }

        // ---- branch and limit ------------------------------------------------------------------

        private boolean branchTaken() {
            PreviewDeployment holder = index.branchHolder(preview).orElse(preview);
            if (holder.getMetadata().getName().equals(name)) {
                return false;
            }
            blocked(
                    Provisioned.BRANCH_CONFLICT,
                    "branch " + preview.getSpec().getBranch() + " is already held by preview "
                            + holder.getMetadata().getName() + " in namespace " + namespace
                            + "; this preview takes over when that one is deleted",
                    Phase.Failed);
            return true;
        }

        private boolean admitted(Plan plan) {
            Admission.Decision decision = index.admit(preview, plan.maxPreviews());
            if (decision.admitted()) {
                return true;
            }
            blocked(
                    Provisioned.DEPLOYMENT_LIMIT_EXCEEDED,
                    decision.message(namespace, plan.name()),
                    Phase.LimitExceeded);
            return false;
        }

        // ---- provisioning ----------------------------------------------------------------------

        /** Brings the backend to the spec's commit; false while the old backend is being removed. */
        private boolean provision(SpecCheck.Resolved resolved, Plan plan) {
            String commit = preview.getSpec().getCommit();
            Deployment deployment =
                    context.getSecondaryResource(Deployment.class).orElse(null);
            if (deployment != null && !commit.equals(labelOf(deployment, PreviewNames.LABEL_COMMIT))) {
                recreate(deployment, commit);
                return false;
            }
            boolean newDeployment = !commit.equals(current.getCommit())
                    || current.getCreatedAt() == null
                    || current.getPhase() == Phase.Expired;
            String createdAt =
                    deployment != null && annotationOf(deployment, PreviewNames.ANNOTATION_CREATED_AT) != null
                            ? annotationOf(deployment, PreviewNames.ANNOTATION_CREATED_AT)
                            : newDeployment ? Timestamps.format(now) : current.getCreatedAt();
            status.setCommit(commit);
            status.setShortCommit(PreviewNames.shortCommit(commit));
            status.setCreatedAt(createdAt);
            Expiry.Ttl ttl = Expiry.ttl(plan, resolved.ttl());
            String expiresAt = Timestamps.format(Expiry.expiresAt(Timestamps.parse(createdAt), ttl));
            if (ttl.capped() && !expiresAt.equals(current.getExpiresAt())) {
                events.record(
                        preview,
                        EventRecorder.Type.Warning,
                        "TtlCapped",
                        "spec.ttl " + preview.getSpec().getTtl() + " is longer than plan " + plan.name()
                                + " allows; the preview lives " + Durations.format(plan.ttl()));
            }
            status.setExpiresAt(expiresAt);

            Deployment written = writer.ensure(
                    preview,
                    wanted(resolved.image(), createdAt),
                    () -> BackendResources.deployment(preview, resolved.image(), createdAt),
                    deployment,
                    deployments);
            if (deployment != null && written != null) {
                // judge the backend by what the update made of it (a new generation the Deployment controller
                // has yet to roll out), not by the cached object from before the update
                deployment = written;
            }
            writer.ensure(
                    preview,
                    wanted(),
                    () -> BackendResources.service(preview),
                    context.getSecondaryResource(Service.class).orElse(null),
                    services);
            Ingress ingress = context.getSecondaryResource(Ingress.class).orElse(null);
            if (resolved.host() != null) {
                writer.ensure(
                        preview,
                        wanted(resolved.host()),
                        () -> BackendResources.ingress(preview, resolved.host()),
                        ingress,
                        ingresses);
                status.setExternalUrl(BackendResources.externalUrl(preview, resolved.host()));
            } else {
                if (ingress != null) writer.delete(ingress, DeletionPropagation.BACKGROUND);
                status.setExternalUrl(null);
            }
            status.setUrl(PreviewNames.serviceUrl(name, namespace));

            // A Deployment created just now is judged by what the server answered, so that the reconcile
            // its creation event triggers reports the same message and has nothing to write.
            Deployment current = deployment != null ? deployment : written;
            DeploymentHealth.Health health = current == null
                    ? new DeploymentHealth.Health(DeploymentHealth.State.PROGRESSING, "creating Deployment " + name)
                    : DeploymentHealth.of(current);
            switch (health.state()) {
                case AVAILABLE ->
                    condition(
                            PROVISIONED,
                            TRUE,
                            Provisioned.AVAILABLE,
                            "backend for commit " + status.getShortCommit() + " is available: " + health.message());
                case FAILED -> condition(PROVISIONED, FALSE, Provisioned.PROVISION_FAILED, health.message());
                case PROGRESSING -> condition(PROVISIONED, FALSE, Provisioned.PROVISIONING, health.message());
            }
            return true;
        }

        /**
         * What a child is made from: the preview (its uid and the generation of its spec) and the given
         * values resolved from it; null when the preview has no generation to go by. A child built from
         * anything else as well (the preview's labels, say) must name it here, or a change to it would
         * not reach a child that has not changed since it was last verified (see VerifiedChildren).
         */
        private String wanted(String... resolved) {
            return generation == null
                    ? null
                    : preview.getMetadata().getUid() + "/" + generation + "/" + String.join("/", resolved);
        }

        /** A new commit: stop the old seed, delete the old Deployment, and wait until it is gone. */
        private void recreate(Deployment old, String commit) {
            context.getSecondaryResources(Job.class).stream()
                    .filter(job -> !commit.equals(labelOf(job, PreviewNames.LABEL_COMMIT)))
                    .forEach(job -> writer.delete(job, DeletionPropagation.BACKGROUND));
            if (old.getMetadata().getDeletionTimestamp() == null
                    && !writer.delete(old, DeletionPropagation.FOREGROUND)) {
                // The server had no such Deployment any more: the cache is behind, and the event that
                // would bring this preview back may already have passed. Look again shortly.
                recheckAfter = RECHECK_STALE_CACHE;
            }
            String message = "deleting the backend of commit "
                    + PreviewNames.shortCommit(labelOf(old, PreviewNames.LABEL_COMMIT)) + " before creating commit "
                    + PreviewNames.shortCommit(commit);
            condition(PROVISIONED, FALSE, Provisioned.RECREATING, message);
            condition(SEEDED, FALSE, Seed.WAITING, "the seed runs again once the new backend is available");
            condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            condition(READY, FALSE, Provisioned.RECREATING, message);
            status.setPhase(Phase.Provisioning);
        }

        // ---- seeding ---------------------------------------------------------------------------

        private void seed(SpecCheck.Resolved resolved) {
            List<Job> seedJobs =
                    context.getSecondaryResources(Job.class).stream().toList();
            if (preview.getSpec().getSeed() == null) {
                seedJobs.stream()
                        .filter(j -> SeedOutcome.of(j).state() == SeedOutcome.State.RUNNING)
                        .forEach(j -> writer.delete(j, DeletionPropagation.BACKGROUND));
                status.setSeed(null);
                condition(SEEDED, TRUE, Seed.NO_SEED, "no seed is configured");
                condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
                return;
            }
            Supplier<Container> container = () -> SeedJobs.container(preview, resolved.seedImage(), status.getUrl());
            String fingerprint = seedFingerprints.of(
                    ResourceID.fromResource(preview),
                    wanted(resolved.seedImage(), status.getUrl(), SeedJobs.reseed(preview)),
                    () -> SeedJobs.fingerprint(preview, container.get()));
            String jobName = PreviewNames.seedJobName(name, preview.getSpec().getCommit(), fingerprint);
            Job job = seedJobs.stream()
                    .filter(j -> j.getMetadata().getName().equals(jobName))
                    .findFirst()
                    .orElse(null);
            SeedStatus recorded = current.getSeed() != null
                            && jobName.equals(current.getSeed().getJobName())
                    ? current.getSeed()
                    : null;
            if (job == null && recorded != null && recorded.getFinishedAt() != null) {
                return; // finished and since removed: its outcome stays recorded
            }
            if (job == null) {
                if (!status.isTrue(PROVISIONED)) {
                    status.setSeed(null);
                    condition(SEEDED, FALSE, Seed.WAITING, "the seed runs once the backend is available");
                    condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
                    return;
                }
                seedJobs.forEach(j -> writer.delete(j, DeletionPropagation.BACKGROUND));
                writer.create(preview, SeedJobs.job(preview, container.get(), fingerprint), jobs);
                status.setSeed(new SeedStatus(jobName, Timestamps.format(now), null, null));
                condition(SEEDED, FALSE, Seed.SEEDING, "seed Job " + jobName + " is running");
                condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
                return;
            }
            String startedAt = recorded != null && recorded.getStartedAt() != null
                    ? recorded.getStartedAt()
                    : Objects.requireNonNullElse(job.getMetadata().getCreationTimestamp(), Timestamps.format(now));
            SeedOutcome.Outcome outcome = SeedOutcome.of(job);
            switch (outcome.state()) {
                case RUNNING -> {
                    status.setSeed(new SeedStatus(jobName, startedAt, null, null));
                    condition(SEEDED, FALSE, Seed.SEEDING, "seed Job " + jobName + " is running");
                    condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
                }
                case SUCCEEDED -> {
                    String finishedAt = finishedAt(recorded, outcome);
                    String message = "seed Job " + jobName + " succeeded";
                    status.setSeed(new SeedStatus(jobName, startedAt, finishedAt, message));
                    condition(SEEDED, TRUE, Seed.SUCCEEDED, message);
                    condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
                }
                case FAILED -> {
                    String message =
                            recorded != null && recorded.getFinishedAt() != null && recorded.getMessage() != null
                                    ? recorded.getMessage()
                                    : failureMessage(jobName, outcome);
                    status.setSeed(new SeedStatus(jobName, startedAt, finishedAt(recorded, outcome), message));
                    condition(SEEDED, FALSE, Seed.FAILED, message);
                    condition(SEED_FAILED, TRUE, outcome.reason(), message);
                }
            }
        }

        private String finishedAt(SeedStatus recorded, SeedOutcome.Outcome outcome) {
            if (recorded != null && recorded.getFinishedAt() != null) return recorded.getFinishedAt();
            return outcome.finishedAt() != null ? outcome.finishedAt() : Timestamps.format(now);
        }

        /** The Job's reason and the last lines the seed printed (its container's termination message). */
        private String failureMessage(String jobName, SeedOutcome.Outcome outcome) {
            String output = "";
            try {
                output = client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems().stream()
                        .sorted(Comparator.comparing((Pod p) -> Objects.requireNonNullElse(
                                        p.getMetadata().getCreationTimestamp(), ""))
                                .reversed())
                        .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                                ? Stream.<ContainerStatus>empty()
                                : p.getStatus().getContainerStatuses().stream())
                        .map(PreviewReconciler::terminationMessage)
                        .filter(m -> m != null && !m.isBlank())
                        .findFirst()
                        .orElse("");
            } catch (RuntimeException e) {
                log.warn("{}/{}: could not read the seed's output: {}", namespace, name, e.getMessage());
            }
            String lines = SeedOutcome.lastLines(output);
            return "seed Job " + jobName + " failed (" + outcome.reason() + "): " + outcome.message()
                    + (lines.isEmpty() ? "; the seed printed nothing" : "; last output:\n" + lines);
        }

        // ---- reporting -------------------------------------------------------------------------

        private void summarize() {
            boolean provisioned = status.isTrue(PROVISIONED);
            boolean seeded = status.isTrue(SEEDED);
            if (provisioned && seeded) {
                condition(
                        READY,
                        TRUE,
                        Conditions.Ready.READY,
                        "commit " + status.getShortCommit() + " is provisioned and seeded at " + status.getUrl());
                status.setPhase(Phase.Ready);
                return;
            }
            String blocking = provisioned ? SEEDED : PROVISIONED;
            var c = status.condition(blocking).orElseThrow();
            condition(READY, FALSE, c.getReason(), c.getMessage());
            if (!provisioned) {
                status.setPhase(Provisioned.PROVISION_FAILED.equals(c.getReason()) ? Phase.Failed : Phase.Provisioning);
            } else {
                status.setPhase(Seed.FAILED.equals(c.getReason()) ? Phase.SeedFailed : Phase.Seeding);
            }
        }

        /** Provisioned=False for a reason that stops the lifecycle; whatever runs already is kept. */
        private void blocked(String reason, String message, Phase phase) {
            condition(PROVISIONED, FALSE, reason, message);
            if (status.condition(SEEDED).isEmpty()) {
                condition(SEEDED, FALSE, Seed.WAITING, "the seed runs once the backend is available");
                condition(SEED_FAILED, FALSE, Seed.NOT_FAILED, "");
            }
            condition(READY, FALSE, reason, message);
            status.setPhase(phase);
        }

        private String keptNote() {
            return current.getCommit() != null && current.getPhase() != Phase.Expired
                    ? " (the backend of commit " + PreviewNames.shortCommit(current.getCommit()) + " keeps running)"
                    : "";
        }

        private void condition(String type, String value, String reason, String message) {
            status.setConditions(
                    ConditionSet.put(status.getConditions(), type, value, reason, message, generation, now));
        }
    }

    private static String terminationMessage(ContainerStatus cs) {
        if (cs.getState() != null && cs.getState().getTerminated() != null) {
            return cs.getState().getTerminated().getMessage();
        }
        if (cs.getLastState() != null && cs.getLastState().getTerminated() != null) {
            return cs.getLastState().getTerminated().getMessage();
        }
        return null;
    }

    private static String labelOf(HasMetadata object, String key) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private static String annotationOf(HasMetadata object, String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
