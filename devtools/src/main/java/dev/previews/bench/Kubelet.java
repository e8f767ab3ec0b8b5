package dev.previews.bench;

import dev.previews.simulator.OnAddOrUpdate;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the kubelet for the benchmark's namespaces, for both runs: a Pod of a backend becomes
 * Running and Ready (without an IP), a seed Pod Succeeded; one status write each, from the informer's
 * copy (read again only on a conflict).
 */
final class Kubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final ExecutorService workers;
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    /** Pods whose status is written or being written (by uid): an update before the write lands is no new work. */
    private final Set<String> handled = ConcurrentHashMap.newKeySet();

    final AtomicLong writes = new AtomicLong();
    private SharedIndexInformer<Pod> informer;

    Kubelet(KubernetesClient client, int threads) {
        this.client = client;
        this.workers = Executors.newFixedThreadPool(threads, Threads.named("bench-kubelet"));
    }

    Kubelet start() {
        informer = client.pods()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .inform(OnAddOrUpdate.handler(this::submit));
        return this;
    }

    void adopt(String namespace) {
        namespaces.add(namespace);
    }

    void release(String namespace) {
        namespaces.remove(namespace);
        handled.clear();
    }

    private void submit(Pod pod) {
        if (namespaces.contains(pod.getMetadata().getNamespace())
                && wanted(pod) != null
                && handled.add(pod.getMetadata().getUid())) {
            workers.execute(() -> run(pod));
        }
    }

    private void run(Pod pod) {
        for (int attempt = 0; attempt < 5 && pod != null; attempt++) {
            PodStatus status = wanted(pod);
            if (status == null || pod.getMetadata().getDeletionTimestamp() != null) return;
            try {
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(new PodBuilder(pod).withStatus(status).build())
                        .updateStatus();
                writes.incrementAndGet();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) return;
                pod = client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .get();
            }
        }
    }

    private PodStatus wanted(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        String now = Instant.now().toString();
        String container = pod.getSpec().getContainers().get(0).getName();
        boolean seed =
                PreviewNames.SEED_COMPONENT.equals(pod.getMetadata().getLabels().get(PreviewNames.LABEL_NAME));
        if (seed) {
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) return null;
            return new PodStatusBuilder()
                    .withPhase("Succeeded")
                    .withStartTime(now)
                    .addToContainerStatuses(new ContainerStatusBuilder()
                            .withName(container)
                            .withImage(pod.getSpec().getContainers().get(0).getImage())
                            .withImageID("")
                            .withReady(false)
                            .withRestartCount(0)
                            .withNewState()
                            .withNewTerminated()
                            .withExitCode(0)
                            .withReason("Completed")
                            .withStartedAt(now)
                            .withFinishedAt(now)
                            .endTerminated()
                            .endState()
                            .build())
                    .build();
        }
        if ("Running".equals(phase)) return null;
        // No IP: with one (and no node, which only a scheduler's binding gives), the endpoints and
        // endpoint-slice controllers fail on every such Pod ("node \"\" not found") and retry, and
        // their retries and Events slowed a 1000-preview run several times over. Nothing here needs
        // the Service to answer.
        return new PodStatusBuilder()
                .withPhase("Running")
                .withStartTime(now)
                .addToConditions(
                        new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .withLastTransitionTime(now)
                                .build(),
                        new PodConditionBuilder()
                                .withType("ContainersReady")
                                .withStatus("True")
                                .withLastTransitionTime(now)
                                .build())
                .addToContainerStatuses(new ContainerStatusBuilder()
                        .withName(container)
                        .withImage(pod.getSpec().getContainers().get(0).getImage())
                        .withImageID("")
                        .withReady(true)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(now)
                        .endRunning()
                        .endState()
                        .build())
                .build();
    }

    @Override
    public void close() {
        if (informer != null) informer.close();
        workers.shutdownNow();
        client.close();
    }
}
