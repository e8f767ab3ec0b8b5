package dev.previews.e2e;

import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet for the tier's namespaces, since the control plane has none: watches the Pods the
 * operator's workloads create and writes their status through {@code pods/status} as a kubelet would.
 * Backend Pods are bound to the node {@value #NODE} (which it registers), get a Pod IP and become
 * Running and Ready: the real ReplicaSet and Deployment controllers then make the Deployment
 * available, and the endpoints controller lists them in their Services' Endpoints (it needs the IP
 * and the node name). A bound Pod being deleted is removed at once, as a kubelet does once its
 * containers stopped (without it, its deletion would wait for ever). Seed Pods stay unbound (the
 * API server deletes those at once) and finish Succeeded, or Failed with the container's termination
 * message, or keep running, as the test decides per preview ({@link #seedOutcome}); a test can also
 * hold a preview's new backend Pods Pending ({@link #holdBackends}). Pods outside the
 * registered namespaces are never touched.
 */
public final class FakeKubelet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);

    /** What a preview's seed Pods do. */
    public sealed interface SeedRun permits Succeed, Fail, Hold {}

    /** Exit 0. */
    public record Succeed() implements SeedRun {}

    /** Exit 1 with this termination message (what the seed printed). */
    public record Fail(String output) implements SeedRun {}

    /** Keep running. */
    public record Hold() implements SeedRun {}

    public static SeedRun succeed() {
        return new Succeed();
    }

    public static SeedRun fail(String output) {
        return new Fail(output);
    }

    public static SeedRun hold() {
        return new Hold();
    }

    private final KubernetesClient admin;
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final Map<String, SeedRun> seeds = new ConcurrentHashMap<>();
    private final Set<String> heldBackends = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger statusWrites = new AtomicInteger();
    private final AtomicInteger addresses = new AtomicInteger();
    private final Map<String, String> podIps = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;

    public FakeKubelet(KubernetesClient admin) {
        this.admin = admin;
    }

    /** The node backend Pods run on. */
    public static final String NODE = "fake-kubelet";

    public FakeKubelet start() {
        registerNode();
        informer = admin.pods()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        submit(pod);
                    }

                    @Override
                    public void onUpdate(Pod before, Pod after) {
                        submit(after);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {}
                });
        return this;
    }

    /**
     * The Node the backend Pods are bound to: Ready (the node lifecycle controller does not run here),
     * and cordoned, so that it never passes for a real kubelet's node.
     */
    private void registerNode() {
        Node node = admin.nodes().withName(NODE).get();
        if (node == null) {
            try {
                node = admin.nodes()
                        .resource(new NodeBuilder()
                                .withNewMetadata()
                                .withName(NODE)
                                .endMetadata()
                                .withNewSpec()
                                .withUnschedulable(true) // no scheduler would place anything here
                                .endSpec()
                                .build())
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) throw e;
                node = admin.nodes().withName(NODE).get();
            }
        }
        node.setStatus(new NodeStatusBuilder()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withLastHeartbeatTime(now())
                .withLastTransitionTime(now())
                .endCondition()
                .build());
        admin.nodes().resource(node).updateStatus();
    }

    /** Runs the Pods of this namespace from now on. */
    public void adopt(String namespace) {
        namespaces.add(namespace);
        if (informer != null) {
            informer.getStore().list().stream()
                    .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
                    .forEach(this::submit);
        }
    }

    public void release(String namespace) {
        namespaces.remove(namespace);
    }

    /** What the seed Pods of this preview do from now on (default: succeed). */
    public void seedOutcome(String namespace, String preview, SeedRun run) {
        seeds.put(namespace + "/" + preview, run);
        if (informer != null) {
            informer.getStore().list().stream()
                    .filter(p -> namespace.equals(p.getMetadata().getNamespace()) && preview.equals(instance(p)))
                    .forEach(this::submit);
        }
    }

    /** New backend Pods of this preview stay Pending (images that take long to pull) until released. */
    public void holdBackends(String namespace, String preview) {
        heldBackends.add(namespace + "/" + preview);
    }

    /** Runs the held backend Pods of this preview, and all its later ones. */
    public void releaseBackends(String namespace, String preview) {
        heldBackends.remove(namespace + "/" + preview);
        if (informer != null) {
            informer.getStore().list().stream()
                    .filter(p -> namespace.equals(p.getMetadata().getNamespace()) && preview.equals(instance(p)))
                    .forEach(this::submit);
        }
    }

    public int statusWrites() {
        return statusWrites.get();
    }

    private void submit(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null
                && NODE.equals(pod.getSpec().getNodeName())) {
            worker.execute(() -> stopped(ns, name));
            return;
        }
        if (!namespaces.contains(ns)) return;
        worker.execute(() -> {
            try {
                run(ns, name);
            } catch (RuntimeException e) {
                log.warn("fake kubelet: pod {}/{}: {}", ns, name, e.toString());
            }
        });
    }

    /** A bound Pod being deleted: its containers are stopped, the kubelet removes it. */
    private void stopped(String namespace, String name) {
        try {
            admin.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .withGracePeriod(0)
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) log.warn("fake kubelet: removing pod {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    /** Binds a backend Pod to the node, as the scheduler would. */
    private void bind(Pod pod) {
        try {
            admin.bindings()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(new BindingBuilder()
                            .withNewMetadata()
                            .withName(pod.getMetadata().getName())
                            .endMetadata()
                            .withNewTarget()
                            .withApiVersion("v1")
                            .withKind("Node")
                            .withName(NODE)
                            .endTarget()
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e; // bound already
        }
    }

    /** Brings one Pod's status to what the test wants, re-reading it on a conflict. */
    private void run(String namespace, String name) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || !namespaces.contains(namespace)) {
                return;
            }
            if (isBackend(pod) && pod.getSpec().getNodeName() == null) {
                bind(pod);
                continue; // read the bound Pod
            }
            PodStatus wanted = wanted(pod);
            if (wanted == null) {
                return;
            }
            pod.setStatus(wanted);
            try {
                admin.pods().inNamespace(namespace).resource(pod).updateStatus();
                statusWrites.incrementAndGet();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) return;
                if (e.getCode() != 409) throw e;
            }
        }
    }

    /** The status to write, or null when the Pod already shows it. */
    private PodStatus wanted(Pod pod) {
        String component = pod.getMetadata().getLabels().get(PreviewNames.LABEL_NAME);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (PreviewNames.SEED_COMPONENT.equals(component)) {
            SeedRun run = seeds.getOrDefault(pod.getMetadata().getNamespace() + "/" + instance(pod), succeed());
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) return null; // finished Pods stay finished
            if (run instanceof Fail f) return finished(pod, 1, "Error", f.output());
            if (run instanceof Hold) return "Running".equals(phase) ? null : running(pod, false, null);
            return finished(pod, 0, "Completed", "");
        }
        if ("Running".equals(phase) && isReady(pod)) return null;
        if (heldBackends.contains(pod.getMetadata().getNamespace() + "/" + instance(pod))) return null;
        return running(pod, true, podIp(pod));
    }

    private static boolean isBackend(Pod pod) {
        return pod.getMetadata().getLabels() != null
                && PreviewNames.BACKEND_COMPONENT.equals(
                        pod.getMetadata().getLabels().get(PreviewNames.LABEL_NAME));
    }

    /** One address per Pod, from 10.244.0.0/16. */
    private String podIp(Pod pod) {
        return podIps.computeIfAbsent(pod.getMetadata().getUid(), uid -> {
            int n = addresses.incrementAndGet();
            return "10.244." + (n / 250 % 250) + "." + (n % 250 + 2);
        });
    }

    private static String instance(Pod pod) {
        return pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(PreviewNames.LABEL_INSTANCE);
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static PodStatus running(Pod pod, boolean ready, String ip) {
        String now = now();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withImageID("fake-kubelet://" + c.getImage())
                        .withContainerID("fake-kubelet://" + pod.getMetadata().getUid() + "/" + c.getName())
                        .withReady(ready)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(now)
                        .endRunning()
                        .endState()
                        .build())
                .toList();
        PodStatusBuilder status = base(pod, "Running", now);
        if (ip != null) {
            status.withPodIP(ip).withPodIPs(new PodIP(ip)).withHostIP("10.0.0.1");
        }
        return status.withConditions(conditions(now, ready))
                .withContainerStatuses(containers)
                .build();
    }

    private static PodStatus finished(Pod pod, int exitCode, String reason, String message) {
        String now = now();
        String started = pod.getMetadata().getCreationTimestamp() == null
                ? now
                : pod.getMetadata().getCreationTimestamp();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream()
                .map(c -> new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withImageID("fake-kubelet://" + c.getImage())
                        .withContainerID("fake-kubelet://" + pod.getMetadata().getUid() + "/" + c.getName())
                        .withReady(false)
                        .withStarted(false)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(exitCode)
                        .withReason(reason)
                        .withMessage(message.isEmpty() ? null : message)
                        .withStartedAt(started)
                        .withFinishedAt(now)
                        .withContainerID("fake-kubelet://" + pod.getMetadata().getUid() + "/" + c.getName())
                        .endTerminated()
                        .endState()
                        .build())
                .toList();
        return base(pod, exitCode == 0 ? "Succeeded" : "Failed", now)
                .withConditions(conditions(now, false))
                .withContainerStatuses(containers)
                .build();
    }

    private static PodStatusBuilder base(Pod pod, String phase, String now) {
        String started = pod.getStatus() != null && pod.getStatus().getStartTime() != null
                ? pod.getStatus().getStartTime()
                : now;
        return new PodStatusBuilder().withPhase(phase).withStartTime(started).withQosClass("BestEffort");
    }

    private static List<PodCondition> conditions(String now, boolean ready) {
        String r = ready ? "True" : "False";
        return List.of(
                new PodConditionBuilder()
                        .withType("Initialized")
                        .withStatus("True")
                        .withLastTransitionTime(now)
                        .build(),
                new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus(r)
                        .withLastTransitionTime(now)
                        .build(),
                new PodConditionBuilder()
                        .withType("ContainersReady")
                        .withStatus(r)
                        .withLastTransitionTime(now)
                        .build(),
                new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("True")
                        .withLastTransitionTime(now)
                        .build());
    }

    @Override
    public void close() {
        if (informer != null) informer.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
