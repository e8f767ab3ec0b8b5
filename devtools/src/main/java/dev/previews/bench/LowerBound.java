package dev.previews.bench;

import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.SEEDED;
import static dev.previews.api.Conditions.SEED_FAILED;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.operator.EventWrites;
import dev.previews.operator.StatusWrite;
import dev.previews.operator.TransitionEvents;
import dev.previews.policy.ConditionSet;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.spec.Timestamps;
import dev.previews.workload.BackendResources;
import dev.previews.workload.SeedJobs;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The lower bound: what bringing N previews to Ready costs the API with no operator at all. The
 * driver creates the previews at concurrency C, exactly as in the operator's burst; C plain worker
 * threads take them in creation order and make, with one client, the requests that are unavoidable:
 * create the Deployment and the Service, write the preview's status (Provisioning), write the
 * Deployment's status as the Deployment controller would (what the workload simulator does in the
 * operator run), create the seed Job, write the status (Seeding), write the Job's status as the Job
 * controller would, and write the status (Ready). No reads, no Events, no waiting on watches. On
 * request, for a second figure, it also records the Events the operator records on these transitions.
 */
final class LowerBound {
    private LowerBound() {}

    /**
     * When each preview was Ready, and the process's CPU by thread group at the end, taken while the
     * workers still live (a thread that has ended no longer counts in its group).
     */
    record Result(ReadyClock clock, Map<String, Long> cpuAtEnd) {}

    /**
     * @param events also record the Events the operator records on these transitions (Provisioned,
     *     SeedStarted, Seeded), with its own code: not part of the lower bound as the issue defines it,
     *     a second figure that tells what the Events cost from what the rest of the operator costs
     */
    static Result run(BenchApi api, Workload workload, int concurrency, Duration timeout, boolean events)
            throws Exception {
        KubernetesClient driver = api.client("driver");
        KubernetesClient worker = api.client("lower-bound");
        ReadyClock clock = new ReadyClock(Workload.COMMIT_A, workload.previews());
        api.log().listen(clock);
        BlockingQueue<PreviewDeployment> created = new LinkedBlockingQueue<>();
        // tells a worker to stop; not static, so that no PreviewDeployment outlives the run (the memory
        // phase counts them)
        PreviewDeployment poison = new PreviewDeployment();
        ExecutorService creators = Executors.newFixedThreadPool(concurrency, Threads.named("bench-lb-create"));
        ExecutorService workers = Executors.newFixedThreadPool(concurrency, Threads.named("bench-lb-work"));
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                work.add(workers.submit(() -> {
                    while (true) {
                        PreviewDeployment p = created.take();
                        if (p == poison) return null;
                        bringToReady(worker, p, events);
                    }
                }));
            }
            List<Future<?>> creations = new ArrayList<>();
            for (int i = 0; i < workload.previews(); i++) {
                int n = i;
                creations.add(creators.submit(() -> {
                    clock.started(workload.key(n));
                    created.add(driver.resource(workload.preview(n)).create());
                    return null;
                }));
            }
            for (Future<?> f : creations) f.get();
            for (int w = 0; w < concurrency; w++) created.add(poison);
            boolean done = clock.await(timeout);
            for (Future<?> f : work) f.get();
            Map<String, Long> cpu = ProcessStats.cpu();
            if (!done) {
                throw new IllegalStateException("lower bound: " + clock.readyCount() + " of " + workload.previews()
                        + " previews Ready after " + timeout.toSeconds() + " s; last phases seen: " + clock.phases());
            }
            return new Result(clock, cpu);
        } finally {
            creators.shutdownNow();
            workers.shutdownNow();
        }
    }

    /** The unavoidable requests of one preview, in the order the operator makes them (and its Events, when given). */
    private static void bringToReady(KubernetesClient client, PreviewDeployment preview, boolean events) {
        Steps steps = new Steps(client, preview, events);
        steps.provision();
        Deployment deployment = steps.deployment;
        String createdAt = steps.createdAt;
        deployment.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(1)
                .withUpdatedReplicas(1)
                .withReadyReplicas(1)
                .withAvailableReplicas(1)
                .withConditions(new DeploymentConditionBuilder()
                        .withType("Available")
                        .withStatus("True")
                        .withReason("MinimumReplicasAvailable")
                        .withMessage("Deployment has minimum availability.")
                        .withLastTransitionTime(createdAt)
                        .withLastUpdateTime(createdAt)
                        .build())
                .build());
        client.resource(deployment).update();

        steps.seed();
        Job job = steps.job;
        job.setStatus(new JobStatusBuilder()
                .withSucceeded(1)
                .withStartTime(createdAt)
                .withCompletionTime(createdAt)
                .withConditions(new JobConditionBuilder()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastProbeTime(createdAt)
                        .withLastTransitionTime(createdAt)
                        .build())
                .build());
        client.resource(job).update();

        steps.ready();
    }

    /**
     * One preview's three steps with the requests that cannot be avoided: provision (create the
     * Deployment and the Service, status Provisioning), seed once the backend is available (create
     * the Job, status Seeding), Ready once the seed succeeded (status Ready); with the operator's
     * Events when asked. Who makes the Deployment available and the Job finish is the caller's
     * business: the loop above writes their status itself, the run against a real API server waits
     * for the real controllers ({@link RealApiBenchmark}).
     */
    static final class Steps {
        private final KubernetesClient client;
        private final boolean events;
        private final Instant now = Instant.now();
        final String createdAt = Timestamps.format(now);
        private final SpecCheck.Resolved resolved;
        private final String name;
        private final String url;
        private final Long generation;
        private PreviewDeployment preview;
        private PreviewDeploymentStatus status;
        Deployment deployment;
        Job job;

        Steps(KubernetesClient client, PreviewDeployment preview, boolean events) {
            this.client = client;
            this.preview = preview;
            this.events = events;
            this.resolved = SpecCheck.check(preview, null).resolved();
            this.name = preview.getMetadata().getName();
            this.url = PreviewNames.serviceUrl(name, preview.getMetadata().getNamespace());
            this.generation = preview.getMetadata().getGeneration();
        }

        void provision() {
            deployment = client.resource(BackendResources.deployment(preview, resolved.image(), createdAt))
                    .create();
            client.resource(BackendResources.service(preview)).create();

            status = new PreviewDeploymentStatus();
            status.setObservedGeneration(generation);
            status.setCommit(preview.getSpec().getCommit());
            status.setShortCommit(PreviewNames.shortCommit(preview.getSpec().getCommit()));
            status.setPlan("starter");
            status.setUrl(url);
            status.setCreatedAt(createdAt);
            status.setExpiresAt(Timestamps.format(now.plus(Duration.ofDays(5))));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    PROVISIONED,
                    FALSE,
                    "Provisioning",
                    "Deployment " + name + " is progressing",
                    generation,
                    now));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    SEEDED,
                    FALSE,
                    "WaitingForBackend",
                    "the seed runs once the backend is available",
                    generation,
                    now));
            status.setConditions(
                    ConditionSet.put(status.getConditions(), SEED_FAILED, FALSE, "NoFailure", "", generation, now));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    READY,
                    FALSE,
                    "Provisioning",
                    "Deployment " + name + " is progressing",
                    generation,
                    now));
            status.setPhase(Phase.Provisioning);
            preview = writeStatus(client, preview, status);
        }

        void seed() {
            PreviewDeploymentStatus before = status;
            var container = SeedJobs.container(preview, resolved.seedImage(), url, PodDefaults.NONE);
            String fingerprint = SeedJobs.fingerprint(preview, resolved.seedImage());
            job = client.resource(SeedJobs.job(preview, container, fingerprint, PodDefaults.NONE))
                    .create();
            status = client.getKubernetesSerialization().clone(status);
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    PROVISIONED,
                    TRUE,
                    "Available",
                    "backend for commit " + status.getShortCommit() + " is available",
                    generation,
                    now));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    SEEDED,
                    FALSE,
                    "Seeding",
                    "seed Job " + job.getMetadata().getName() + " is running",
                    generation,
                    now));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    READY,
                    FALSE,
                    "Seeding",
                    "seed Job " + job.getMetadata().getName() + " is running",
                    generation,
                    now));
            status.setSeed(new SeedStatus(job.getMetadata().getName(), createdAt, null, null));
            status.setPhase(Phase.Seeding);
            preview = writeStatus(client, preview, status);
            record(client, events, preview, before, status);
        }

        void ready() {
            PreviewDeploymentStatus before = status;
            status = client.getKubernetesSerialization().clone(status);
            String message = "seed Job " + job.getMetadata().getName() + " succeeded";
            status.setConditions(
                    ConditionSet.put(status.getConditions(), SEEDED, TRUE, "SeedSucceeded", message, generation, now));
            status.setConditions(ConditionSet.put(
                    status.getConditions(),
                    READY,
                    TRUE,
                    "Ready",
                    "commit " + status.getShortCommit() + " is provisioned and seeded at " + url,
                    generation,
                    now));
            status.setSeed(new SeedStatus(job.getMetadata().getName(), createdAt, createdAt, message));
            status.setPhase(Phase.Ready);
            preview = writeStatus(client, preview, status);
            record(client, events, preview, before, status);
        }
    }

    /**
     * The Events the operator records for this transition (its own code decides which, and builds them),
     * each one POST, made by the worker itself: what a plain loop that records them has to send.
     */
    private static void record(
            KubernetesClient client,
            boolean events,
            PreviewDeployment preview,
            PreviewDeploymentStatus before,
            PreviewDeploymentStatus after) {
        if (events) {
            TransitionEvents.between(before, after)
                    .forEach(n -> client.v1()
                            .events()
                            .inNamespace(preview.getMetadata().getNamespace())
                            .resource(EventWrites.body(preview, n.type(), n.reason(), n.message(), Instant.now()))
                            .create());
        }
    }

    /** The status write the operator makes (the same code). */
    private static PreviewDeployment writeStatus(
            KubernetesClient client, PreviewDeployment current, PreviewDeploymentStatus status) {
        return StatusWrite.write(client, current, status);
    }
}
