package dev.previews.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.spec.JsonMerge;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the part of the controllers and kubelets a mock API server does not have: it marks a
 * preview's Deployment available and finishes its seed Job, by writing their status as the
 * Deployment and Job controllers would. Used by the sandbox and, as one fixture, by the tests.
 *
 * <p>In automatic mode Deployments become available {@code delay} after they appear (or change),
 * and seed Jobs finish {@code delay} after they appear: they fail when the seed container has the
 * environment variable {@value #OUTCOME_ENV}{@code =fail} (printing {@value #OUTPUT_ENV} as the
 * seed's last output), and succeed otherwise. The methods below do the same on demand.
 */
public final class WorkloadSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkloadSimulator.class);
    public static final String OUTCOME_ENV = "SANDBOX_SEED_RESULT";
    public static final String OUTPUT_ENV = "SANDBOX_SEED_OUTPUT";

    private final KubernetesClient client;
    private final Duration delay;
    private final ScheduledExecutorService executor;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Job> jobs;

    public WorkloadSimulator(KubernetesClient client, Duration delay) {
        this(client, delay, 1);
    }

    /** With {@code threads} workers writing statuses, as a controller with that many workers would. */
    public WorkloadSimulator(KubernetesClient client, Duration delay, int threads) {
        this.client = client;
        this.delay = delay;
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "workload-simulator");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the automatic mode: every preview Deployment becomes available, every seed Job finishes.
     * Like the controllers it stands in for, it writes from its informers' caches (no read before a
     * write); a write that meets a newer object (409) is tried again on the cache's next version.
     */
    public WorkloadSimulator start() {
        // each informer is known before it runs: its handler reads its cache, from the first event on
        deployments = client.apps()
                .deployments()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .runnableInformer(0);
        deployments.addEventHandler(OnAddOrUpdate.handler(d -> {
            if (!isAvailable(d))
                later(() -> latest(deployments, d).filter(c -> !isAvailable(c)).ifPresent(this::markAvailable));
        }));
        jobs = client.batch()
                .v1()
                .jobs()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .runnableInformer(0);
        jobs.addEventHandler(OnAddOrUpdate.handler(j -> {
            if (!isFinished(j))
                later(() -> latest(jobs, j).filter(c -> !isFinished(c)).ifPresent(this::finishByEnvironment));
        }));
        deployments.run();
        jobs.run();
        return this;
    }

    /** The informer's latest version of the object, if it still exists and is not being deleted. */
    private static <T extends HasMetadata> Optional<T> latest(SharedIndexInformer<T> informer, T seen) {
        return Optional.ofNullable(informer.getStore().get(seen))
                .filter(o -> o.getMetadata().getDeletionTimestamp() == null);
    }

    private void later(Runnable action) {
        later(action, delay.toMillis(), 1);
    }

    /** Runs the action after the delay; a conflict or a failed request is tried again, a few times. */
    private void later(Runnable action, long delayMillis, int attempt) {
        executor.schedule(
                () -> {
                    try {
                        action.run();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == 404) return;
                        if (attempt < MAX_ATTEMPTS) {
                            later(action, RETRY_MILLIS * attempt, attempt + 1);
                        } else {
                            log.warn("simulator: {}", e.getMessage());
                        }
                    } catch (RejectedExecutionException e) {
                        // closing
                    } catch (RuntimeException e) {
                        log.warn("simulator: {}", e.toString());
                    }
                },
                delayMillis,
                TimeUnit.MILLISECONDS);
    }

    private static final int MAX_ATTEMPTS = 5;
    private static final long RETRY_MILLIS = 100;

    /** Writes the status the Deployment controller writes once every replica is available. */
    public void markAvailable(String namespace, String name) {
        Deployment d = client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (d == null || d.getMetadata().getDeletionTimestamp() != null || isAvailable(d)) return;
        markAvailable(d);
    }

    private void markAvailable(Deployment d) {
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        String now = now();
        writeStatus(
                d,
                Map.of(
                        "observedGeneration",
                        Objects.requireNonNullElse(d.getMetadata().getGeneration(), 1L),
                        "replicas",
                        replicas,
                        "updatedReplicas",
                        replicas,
                        "readyReplicas",
                        replicas,
                        "availableReplicas",
                        replicas,
                        "conditions",
                        List.of(
                                Map.of(
                                        "type",
                                        "Available",
                                        "status",
                                        "True",
                                        "reason",
                                        "MinimumReplicasAvailable",
                                        "message",
                                        "Deployment has minimum availability.",
                                        "lastTransitionTime",
                                        now,
                                        "lastUpdateTime",
                                        now),
                                Map.of(
                                        "type",
                                        "Progressing",
                                        "status",
                                        "True",
                                        "reason",
                                        "NewReplicaSetAvailable",
                                        "message",
                                        "ReplicaSet \"" + d.getMetadata().getName() + "\" has successfully progressed.",
                                        "lastTransitionTime",
                                        now,
                                        "lastUpdateTime",
                                        now))));
    }

    /** Writes the status of a Deployment whose rollout stopped progressing (ProgressDeadlineExceeded). */
    public void markStalled(String namespace, String name, String message) {
        String now = now();
        patchStatus(
                "deployments",
                namespace,
                name,
                Map.of(
                        "replicas",
                        1,
                        "updatedReplicas",
                        1,
                        "unavailableReplicas",
                        1,
                        "conditions",
                        List.of(Map.of(
                                "type",
                                "Progressing",
                                "status",
                                "False",
                                "reason",
                                "ProgressDeadlineExceeded",
                                "message",
                                message,
                                "lastTransitionTime",
                                now,
                                "lastUpdateTime",
                                now))));
    }

    /** Finishes a seed Job as its environment asks (see the class comment). */
    public void finishByEnvironment(String namespace, String name) {
        Job job =
                client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (job == null || isFinished(job)) return;
        finishByEnvironment(job);
    }

    private void finishByEnvironment(Job job) {
        List<EnvVar> env =
                job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        String outcome = envValue(env, OUTCOME_ENV);
        if ("fail".equalsIgnoreCase(outcome)) {
            String output = Objects.requireNonNullElse(envValue(env, OUTPUT_ENV), "seed: simulated failure");
            failSeed(job.getMetadata().getNamespace(), job.getMetadata().getName(), output);
        } else {
            writeStatus(job, succeeded());
        }
    }

    /** Writes the status the Job controller writes when the seed's pod succeeded. */
    public void succeedSeed(String namespace, String name) {
        patchStatus("jobs", namespace, name, succeeded());
    }

    private static Map<String, Object> succeeded() {
        String now = now();
        return Map.of(
                "succeeded",
                1,
                "completionTime",
                now,
                "startTime",
                now,
                "conditions",
                List.of(Map.of("type", "Complete", "status", "True", "lastProbeTime", now, "lastTransitionTime", now)));
    }

    /**
     * Creates the seed's failed pod (with its container termination message, as a kubelet writes it
     * under FallbackToLogsOnError) and writes the status the Job controller writes at its backoff limit.
     */
    public void failSeed(String namespace, String name, String output) {
        failSeed(namespace, name, output, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }

    public void failSeed(String namespace, String name, String output, String reason, String message) {
        String now = now();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name + "-" + Long.toHexString(System.nanoTime() & 0xfffff))
                .withNamespace(namespace)
                .withLabels(Map.of("job-name", name))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("seed")
                .withImage("seed")
                .endContainer()
                .withRestartPolicy("Never")
                .endSpec()
                .withNewStatus()
                .withPhase("Failed")
                .addNewContainerStatus()
                .withName("seed")
                .withImage("seed")
                .withImageID("")
                .withReady(false)
                .withRestartCount(0)
                .withNewState()
                .withNewTerminated()
                .withExitCode(1)
                .withReason("Error")
                .withMessage(output)
                .withFinishedAt(now)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        patchStatus(
                "jobs",
                namespace,
                name,
                Map.of(
                        "failed",
                        1,
                        "startTime",
                        now,
                        "conditions",
                        List.of(Map.of(
                                "type",
                                "Failed",
                                "status",
                                "True",
                                "reason",
                                reason,
                                "message",
                                message,
                                "lastProbeTime",
                                now,
                                "lastTransitionTime",
                                now))));
    }

    /**
     * Lays the status over the object's and writes the whole object back (the mock API keeps a
     * built-in kind's status only through a write of the object itself, and fabric8's stock merge
     * patch, which the benchmark's API keeps, appends to lists instead of replacing them).
     */
    private void patchStatus(String kind, String namespace, String name, Map<String, Object> status) {
        HasMetadata current = kind.equals("deployments")
                ? client.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                : client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
        if (current == null) return;
        writeStatus(current, status);
    }

    /**
     * Lays the status over the object's and writes it back (a 409 if it changed since). The object
     * may be an informer's: it is not modified, the write goes through a copy that shares its spec.
     */
    private void writeStatus(HasMetadata current, Map<String, Object> status) {
        var json = client.getKubernetesSerialization();
        ObjectMeta metadata = new ObjectMetaBuilder(current.getMetadata()).build();
        if (current instanceof Deployment d) {
            client.resource(new Deployment(
                            d.getApiVersion(),
                            d.getKind(),
                            metadata,
                            d.getSpec(),
                            overlay(json, d.getStatus(), status, DeploymentStatus.class)))
                    .update();
        } else if (current instanceof Job j) {
            client.resource(new Job(
                            j.getApiVersion(),
                            j.getKind(),
                            metadata,
                            j.getSpec(),
                            overlay(json, j.getStatus(), status, JobStatus.class)))
                    .update();
        } else {
            throw new IllegalArgumentException("no status to simulate for " + current.getKind());
        }
    }

    private static <S> S overlay(KubernetesSerialization json, S current, Map<String, Object> status, Class<S> type) {
        JsonNode base = current == null
                ? json.convertValue(Map.of(), JsonNode.class)
                : json.convertValue(current, JsonNode.class);
        return json.convertValue(JsonMerge.overlay(base, json.convertValue(status, JsonNode.class)), type);
    }

    static boolean isAvailable(Deployment d) {
        Long generation = d.getMetadata().getGeneration();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return d.getStatus() != null
                && d.getStatus().getAvailableReplicas() != null
                && d.getStatus().getAvailableReplicas() == replicas
                && (generation == null || Objects.equals(d.getStatus().getObservedGeneration(), generation));
    }

    static boolean isFinished(Job j) {
        return j.getStatus() != null
                && j.getStatus().getConditions() != null
                && j.getStatus().getConditions().stream()
                        .anyMatch(c -> "True".equals(c.getStatus())
                                && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())));
    }

    private static String envValue(List<EnvVar> env, String name) {
        return env == null
                ? null
                : env.stream()
                        .filter(e -> name.equals(e.getName()))
                        .map(EnvVar::getValue)
                        .findFirst()
                        .orElse(null);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        if (deployments != null) deployments.close();
        if (jobs != null) jobs.close();
        executor.shutdownNow();
    }
}
