package dev.previews.bench;

import dev.previews.api.CrdFinisher;
import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewObserver;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The benchmark against a real API server (a kubeconfig's): rounds of the lower bound and of the
 * operator, alternately, each in namespaces of its own, deleted (and waited for) before the next
 * phase. The API server's own controllers (Deployment, ReplicaSet, Job) run as in a cluster; the
 * kubelet, which the documented control plane (../shared/k8s) lacks, is played by {@link Kubelet}
 * in this process for both runs alike.
 *
 * <p>What differs from the mock's benchmark, because a real server is not in this process: a
 * preview is Ready when a watch of the driver sees its status say so (both runs timed the same
 * way); the lower bound cannot write a Deployment's or a Job's status itself (the controllers own
 * them), so it watches them, as little as it can (two informers), and takes the next step when they
 * are available or complete; requests are counted on the operator's client, not on the server.
 */
public final class RealApiBenchmark {
    /** The parameters of one run. */
    public record Settings(
            Path kubeconfig, int previews, int namespaces, int concurrency, Duration timeout, int rounds, int warmup) {}

    private static final double MIB = 1024.0 * 1024.0;
    private static final String CRD_NAME = "previewdeployments.previews.dev";

    private final Settings settings;
    private final PrintStream progress;
    private final long born = System.nanoTime();
    private final String kubeconfig;
    private final String run = Long.toString(System.currentTimeMillis() % 100_000, 36);

    public RealApiBenchmark(Settings settings, PrintStream progress) throws Exception {
        this.settings = settings;
        this.progress = progress;
        this.kubeconfig = Files.readString(settings.kubeconfig());
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("previews", settings.previews());
        out.put("namespaces", settings.namespaces());
        out.put("concurrency", settings.concurrency());
        try (KubernetesClient admin = client("driver", null)) {
            var version = admin.getKubernetesVersion();
            out.put("server", admin.getMasterUrl() + " (Kubernetes " + version.getGitVersion() + ")");
            installCrd(admin);
            try (Kubelet kubelet = new Kubelet(client("kubelet", null), settings.concurrency()).start()) {
                OperatorConfig config = OperatorConfig.defaults()
                        .withPlan(new Plan(
                                "starter",
                                Duration.ofDays(5),
                                Math.max(100_000, settings.previews()),
                                ExpiryPolicy.Delete));
                if (settings.warmup() > 0) {
                    Workload warm = new Workload(
                            settings.warmup(), Math.min(settings.namespaces(), settings.warmup()), "bw" + run + "-l");
                    lowerBound(admin, kubelet, warm, 0);
                    operator(
                            admin,
                            kubelet,
                            config,
                            new Workload(warm.previews(), warm.namespaces(), "bw" + run + "-o"),
                            0,
                            false);
                }
                List<Map<String, Object>> lowers = new ArrayList<>();
                List<Map<String, Object>> bursts = new ArrayList<>();
                for (int round = 1; round <= settings.rounds(); round++) {
                    lowers.add(lowerBound(admin, kubelet, workload(round, "l"), round));
                    bursts.add(
                            operator(admin, kubelet, config, workload(round, "o"), round, round == settings.rounds()));
                }
                int median = Benchmark.medianRound(lowers, bursts);
                out.put("medianRound", median + 1);
                out.put("lowerBound", lowers.get(median));
                out.put("burst", bursts.get(median));
                out.put("burstRatio", ratio(lowers.get(median), bursts.get(median)));
                out.put("p99Ratio", p99Ratio(lowers.get(median), bursts.get(median)));
                List<Map<String, Object>> rounds = new ArrayList<>();
                for (int i = 0; i < bursts.size(); i++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("lowerBoundSeconds", lowers.get(i).get("wallSeconds"));
                    r.put("burstSeconds", bursts.get(i).get("wallSeconds"));
                    r.put("ratio", ratio(lowers.get(i), bursts.get(i)));
                    r.put("lowerBoundP50Millis", lowers.get(i).get("p50Millis"));
                    r.put("lowerBoundP99Millis", lowers.get(i).get("p99Millis"));
                    r.put("burstP50Millis", bursts.get(i).get("p50Millis"));
                    r.put("burstP99Millis", bursts.get(i).get("p99Millis"));
                    r.put("p99Ratio", p99Ratio(lowers.get(i), bursts.get(i)));
                    rounds.add(r);
                }
                out.put("rounds", rounds);
                // the last round's operator figures that are not per round
                Map<String, Object> last = bursts.get(bursts.size() - 1);
                for (String k : List.of("steadyState", "memory")) {
                    if (last.containsKey(k)) out.put(k, last.remove(k));
                }
                out.put("kubeletStatusWrites", kubelet.writes.get());
            }
        }
        say("done");
        return out;
    }

    private Workload workload(int round, String phase) {
        return new Workload(settings.previews(), settings.namespaces(), "b" + run + "-" + round + phase);
    }

    // ---- the lower bound ---------------------------------------------------------------------------

    /**
     * A plain loop: the driver creates the previews at concurrency C; C workers take each through
     * {@link LowerBound.Steps}, the next step once the real controllers (and the kubelet played here)
     * have made its Deployment available, then its Job complete, which two informers tell.
     */
    private Map<String, Object> lowerBound(KubernetesClient admin, Kubelet kubelet, Workload w, int round)
            throws Exception {
        say("round %d of %d, lower bound: %d previews, no operator", round, settings.rounds(), w.previews());
        createNamespaces(admin, kubelet, w);
        ReadyClock clock = new ReadyClock(Workload.COMMIT_A, w.previews());
        Map<String, Progress> progressOf = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(settings.concurrency(), Threads.named("bench-lb-work"));
        KubernetesClient loop = client("lower-bound", null);
        List<SharedIndexInformer<?>> informers = new ArrayList<>();
        try (var watch = new ReadyWatch(admin, clock)) {
            informers.add(loop.apps()
                    .deployments()
                    .inAnyNamespace()
                    .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                    .inform(handler((Deployment d) -> {
                        Progress p = progressOf.get(key(d));
                        if (p != null && available(d) && p.available.compareAndSet(0, 1)) p.step(workers, p.gate1);
                    })));
            informers.add(loop.batch()
                    .v1()
                    .jobs()
                    .inAnyNamespace()
                    .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                    .inform(handler((Job j) -> {
                        Progress p = progressOf.get(key(j));
                        if (p != null && complete(j) && p.complete.compareAndSet(0, 1)) p.step(workers, p.gate2);
                    })));
            ProcessStats.level();
            var cpu0 = ProcessStats.cpu();
            parallel(w.previews(), i -> {
                clock.started(w.key(i));
                PreviewDeployment created = admin.resource(w.preview(i)).create();
                Progress p = new Progress(new LowerBound.Steps(loop, created, false));
                progressOf.put(w.key(i), p);
                workers.execute(p::provision);
            });
            awaitReady("lower bound", clock);
            var cpu1 = ProcessStats.cpu();
            Map<String, Object> figures = timing(clock, w.previews());
            figures.put("cpuSeconds", ProcessStats.cpuSecondsBetween(cpu0, cpu1));
            long failed =
                    progressOf.values().stream().filter(p -> p.failure != null).count();
            figures.put("failedSteps", failed);
            return figures;
        } finally {
            informers.forEach(SharedIndexInformer::close);
            workers.shutdownNow();
            loop.close();
            deleteNamespaces(admin, kubelet, w);
        }
    }

    /** One preview of the lower bound: its steps, and the two things each of the later ones waits for. */
    private static final class Progress {
        final LowerBound.Steps steps;
        final AtomicInteger available = new AtomicInteger();
        final AtomicInteger complete = new AtomicInteger();
        /** Seed once provisioned and available (2 of 2); Ready once seeding and complete. */
        final AtomicInteger gate1 = new AtomicInteger(2);

        final AtomicInteger gate2 = new AtomicInteger(2);
        volatile RuntimeException failure;

        Progress(LowerBound.Steps steps) {
            this.steps = steps;
        }

        void provision() {
            if (run(steps::provision) && gate1.decrementAndGet() == 0) seed();
        }

        void seed() {
            if (run(steps::seed) && gate2.decrementAndGet() == 0) ready();
        }

        void ready() {
            run(steps::ready);
        }

        /** The event a gate waits for came: the step that waited for it runs when the other half is done too. */
        void step(ExecutorService workers, AtomicInteger gate) {
            if (gate.decrementAndGet() == 0) workers.execute(gate == gate1 ? this::seed : this::ready);
        }

        private boolean run(Runnable step) {
            try {
                step.run();
                return true;
            } catch (RuntimeException e) {
                failure = e;
                return false;
            }
        }
    }

    private static boolean available(Deployment d) {
        return d.getStatus() != null
                && d.getStatus().getConditions() != null
                && d.getStatus().getConditions().stream()
                        .anyMatch(c -> "Available".equals(c.getType()) && "True".equals(c.getStatus()))
                && d.getStatus().getAvailableReplicas() != null
                && d.getStatus().getAvailableReplicas() >= 1;
    }

    private static boolean complete(Job j) {
        return j.getStatus() != null
                && j.getStatus().getSucceeded() != null
                && j.getStatus().getSucceeded() >= 1;
    }

    /** namespace/preview of a child (its instance label). */
    private static String key(io.fabric8.kubernetes.api.model.HasMetadata child) {
        var labels = child.getMetadata().getLabels();
        return child.getMetadata().getNamespace() + "/"
                + (labels == null ? "" : labels.get(PreviewNames.LABEL_INSTANCE));
    }

    // ---- the operator ------------------------------------------------------------------------------

    /** A fresh operator, the burst, and with {@code last}: the steady-state resync and the memory. */
    private Map<String, Object> operator(
            KubernetesClient admin, Kubelet kubelet, OperatorConfig config, Workload w, int round, boolean last)
            throws Exception {
        say(
                "round %d of %d, burst: %d previews created at once, operator with %d reconciler threads",
                round, settings.rounds(), w.previews(), settings.concurrency());
        createNamespaces(admin, kubelet, w);
        Reconciles reconciles = new Reconciles();
        WriteCount writes = new WriteCount();
        KubernetesClient operatorClient = client("operator", writes);
        PreviewOperator operator = new PreviewOperator(
                        operatorClient,
                        config,
                        Clock.systemUTC(),
                        PreviewObserver.NONE,
                        reconciles.registry,
                        o -> o.withConcurrentReconciliationThreads(settings.concurrency())
                                .withMetrics(reconciles)
                                .withReconciliationTerminationTimeout(Duration.ofSeconds(30)))
                .start();
        Map<String, Object> figures;
        try (var watch = new ReadyWatch(admin, new ReadyClock(Workload.COMMIT_A, w.previews()))) {
            ReadyClock clock = watch.clock;
            ProcessStats.level();
            long writes0 = writes.writes.get();
            long reconciled = reconciles.finished();
            var cpu0 = ProcessStats.cpu();
            double dropped0 = EventTrail.dropped(reconciles.registry);
            long events0 = eventWrites(reconciles.registry);
            long t0 = System.nanoTime();
            parallel(w.previews(), i -> {
                clock.started(w.key(i));
                admin.resource(w.preview(i)).create();
            });
            awaitReady("burst", clock);
            var cpu1 = ProcessStats.cpu();
            Map<String, Object> events = EventTrail.await(
                    () -> eventWrites(reconciles.registry),
                    events0,
                    3L * w.previews(),
                    reconciles.registry,
                    dropped0,
                    w.previews(),
                    t0,
                    settings.timeout());
            figures = timing(clock, w.previews());
            figures.put("operatorWritesPerPreview", (writes.writes.get() - writes0) / (double) w.previews());
            figures.put("eventPostsPerPreview", count(reconciles.registry, "created") / w.previews());
            figures.put("eventPatchesPerPreview", count(reconciles.registry, "aggregated") / w.previews());
            figures.put("events", events);
            figures.put("reconcilesPerPreview", (reconciles.finished() - reconciled) / (double) w.previews());
            figures.put("cpuSeconds", ProcessStats.cpuSecondsBetween(cpu0, cpu1));
            figures.put("operatorRequests", new LinkedHashMap<>(writes.byCall));
        }
        if (last) {
            say("steady state: forced resync of %d Ready previews", w.previews());
            long writes0 = writes.writes.get();
            reconciles.mark();
            long mark = reconciles.finished();
            for (int i = 0; i < w.previews(); i++) operator.resync(new ResourceID(w.name(i), w.namespace(i)));
            boolean all = reconciles.awaitDistinct(w.previews(), settings.timeout());
            Map<String, Object> steady = new LinkedHashMap<>();
            steady.put("reconciles", reconciles.finished() - mark);
            steady.put("complete", all);
            steady.put("writes", writes.writes.get() - writes0);
            figures.put("steadyState", steady);

            say("memory: heap after full GC with %d Ready previews, with and without the operator", w.previews());
            long with = ProcessStats.heapAfterGc();
            WeakReference<PreviewOperator> ref = new WeakReference<>(operator);
            operator.close();
            operatorClient.close();
            operator = null;
            operatorClient = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (int i = 0; ref.get() != null && (i < 3 || System.nanoTime() < deadline); i++) {
                ProcessStats.heapAfterGc();
                Thread.sleep(100);
            }
            long without = ProcessStats.heapAfterGc();
            Map<String, Object> memory = new LinkedHashMap<>();
            memory.put("operatorCollected", ref.get() == null);
            memory.put("operatorHeapMiB", (with - without) / MIB);
            memory.put("operatorHeapMiBPer1000", (with - without) / MIB * 1000.0 / w.previews());
            figures.put("memory", memory);
        } else {
            operator.close();
            operatorClient.close();
        }
        deleteNamespaces(admin, kubelet, w);
        return figures;
    }

    private static long eventWrites(MeterRegistry registry) {
        return (long) (count(registry, "created") + count(registry, "aggregated"));
    }

    private static double count(MeterRegistry registry, String outcome) {
        Counter c =
                registry.find("preview.operator.events").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Counts the write requests of a client (Events apart), by verb and resource. */
    private static final class WriteCount implements Interceptor {
        final AtomicLong writes = new AtomicLong();
        final Map<String, Long> byCall = new ConcurrentHashMap<>();

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String method = request.method();
            String path = request.uri().getPath();
            String[] parts = path.split("/");
            // .../namespaces/NS/RESOURCE[/NAME[/SUB]]
            String resource = "?";
            for (int i = 0; i + 2 < parts.length; i++) {
                if (parts[i].equals("namespaces")) {
                    resource = parts[i + 2] + (parts.length > i + 4 ? "/" + parts[i + 4] : "");
                    break;
                }
            }
            byCall.merge(method + " " + resource, 1L, Long::sum);
            if (!method.equals("GET") && !resource.startsWith("events")) writes.incrementAndGet();
        }
    }

    // ---- the kubelet -------------------------------------------------------------------------------

    /**
     * Plays the kubelet for the benchmark's namespaces, for both runs: a Pod of a backend becomes
     * Running and Ready (without an IP), a seed Pod Succeeded; one status write each, from the informer's
     * copy (read again only on a conflict).
     */
    static final class Kubelet implements AutoCloseable {
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
                    .inform(handler(this::submit));
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
            boolean seed = PreviewNames.SEED_COMPONENT.equals(
                    pod.getMetadata().getLabels().get(PreviewNames.LABEL_NAME));
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

    // ---- timing, namespaces, clients ---------------------------------------------------------------

    /** The driver's watch of the previews: tells the clock when each one's status says Ready. */
    private static final class ReadyWatch implements AutoCloseable {
        final ReadyClock clock;
        private final SharedIndexInformer<PreviewDeployment> informer;

        ReadyWatch(KubernetesClient client, ReadyClock clock) {
            this.clock = clock;
            this.informer = client.resources(PreviewDeployment.class)
                    .inAnyNamespace()
                    .inform(handler((PreviewDeployment p) -> {
                        if (p.getStatus() != null) {
                            clock.statusWritten(
                                    p.getMetadata().getNamespace(),
                                    p.getMetadata().getName(),
                                    p.getStatus().getPhase() == null
                                            ? null
                                            : p.getStatus().getPhase().name(),
                                    p.getStatus().getCommit(),
                                    System.nanoTime());
                        }
                    }));
        }

        @Override
        public void close() {
            informer.close();
        }
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T before, T after) {
                onChange.accept(after);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {}
        };
    }

    private void createNamespaces(KubernetesClient admin, Kubelet kubelet, Workload w) {
        for (String ns : w.namespaceNames()) {
            kubelet.adopt(ns);
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .addToLabels("previews.dev/benchmark", "true")
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    /** Deletes the phase's namespaces and waits (bounded) until they are gone, outside any measured time. */
    private void deleteNamespaces(KubernetesClient admin, Kubelet kubelet, Workload w) throws InterruptedException {
        say("deleting the namespaces %s-...", w.prefix());
        for (String ns : w.namespaceNames()) {
            admin.namespaces().withName(ns).delete();
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (System.nanoTime() < deadline
                && w.namespaceNames().stream()
                        .anyMatch(ns -> admin.namespaces().withName(ns).get() != null)) {
            Thread.sleep(500);
        }
        w.namespaceNames().forEach(kubelet::release);
    }

    private void installCrd(KubernetesClient admin) throws InterruptedException {
        CustomResourceDefinition crd = CrdFinisher.load();
        admin.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(NonDeletingOperation::update);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var c = admin.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(CRD_NAME)
                    .get();
            if (c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("CRD " + CRD_NAME + " not established after 30 s");
    }

    /** A client of the kubeconfig's server with its own user agent (and an interceptor, when given). */
    private KubernetesClient client(String name, Interceptor interceptor) {
        Config config = Config.fromKubeconfig(kubeconfig);
        config.setUserAgent("preview-benchmark/" + name);
        var builder = new KubernetesClientBuilder().withConfig(config);
        if (interceptor != null) {
            builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-" + name, interceptor));
        }
        return builder.build();
    }

    private void awaitReady(String phase, ReadyClock clock) throws InterruptedException {
        if (!clock.await(settings.timeout())) {
            throw new IllegalStateException(
                    phase + ": " + clock.readyCount() + " of " + clock.expected() + " previews Ready after "
                            + settings.timeout().toSeconds() + " s; last phases seen: " + clock.phases());
        }
    }

    private void parallel(int n, IntConsumer action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), Threads.named("bench-driver"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> action.accept(k)));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> timing(ReadyClock clock, int previews) {
        Map<String, Object> out = new LinkedHashMap<>();
        double wall = clock.wallSeconds();
        double[] latencies = clock.latenciesMillis();
        out.put("wallSeconds", wall);
        out.put("previewsPerSecond", previews / wall);
        out.put("p50Millis", ReadyClock.percentile(latencies, 50));
        out.put("p99Millis", ReadyClock.percentile(latencies, 99));
        return out;
    }

    private static double ratio(Map<String, Object> lower, Map<String, Object> burst) {
        return (double) burst.get("wallSeconds") / (double) lower.get("wallSeconds");
    }

    private static double p99Ratio(Map<String, Object> lower, Map<String, Object> burst) {
        return (double) burst.get("p99Millis") / (double) lower.get("p99Millis");
    }

    /** The figures of a run document as a table, with the targets of issue 22 judged. */
    @SuppressWarnings("unchecked")
    public static String table(Map<String, Object> doc) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "preview-operator benchmark against a real API server, %s; %s; load %s -> %s%n",
                doc.get("date"), doc.get("machine"), doc.get("loadBefore"), doc.get("loadAfter")));
        for (Map<String, Object> r : (List<Map<String, Object>>) doc.get("runs")) {
            Map<String, Object> burst = (Map<String, Object>) r.get("burst");
            Map<String, Object> lower = (Map<String, Object>) r.get("lowerBound");
            Map<String, Object> steady = (Map<String, Object>) r.get("steadyState");
            Map<String, Object> memory = (Map<String, Object>) r.get("memory");
            Map<String, Object> events = (Map<String, Object>) burst.get("events");
            b.append(String.format(
                    "%n%s; %s previews in %s namespaces, concurrency %s; median round %s%n",
                    r.get("server"),
                    r.get("previews"),
                    r.get("namespaces"),
                    r.get("concurrency"),
                    r.get("medianRound")));
            row(b, "burst: all Ready (s)", f(burst.get("wallSeconds")));
            row(b, "lower bound: all Ready (s)", f(lower.get("wallSeconds")));
            row(
                    b,
                    "burst: creation->Ready p50 / p99 (ms)",
                    f0(burst.get("p50Millis")) + " / " + f0(burst.get("p99Millis")));
            row(b, "lower bound: p50 / p99 (ms)", f0(lower.get("p50Millis")) + " / " + f0(lower.get("p99Millis")));
            StringBuilder every = new StringBuilder();
            StringBuilder everyP99 = new StringBuilder();
            for (Map<String, Object> round : (List<Map<String, Object>>) r.get("rounds")) {
                every.append(f(round.get("ratio"))).append(' ');
                everyP99.append(f(round.get("p99Ratio"))).append(' ');
            }
            row(b, "burst / lower bound, every round", every.toString().trim());
            row(b, "p99 / lower bound's p99, every round", everyP99.toString().trim());
            row(b, "operator writes per preview (no Events)", f(burst.get("operatorWritesPerPreview")));
            row(
                    b,
                    "Event POSTs / count patches per preview",
                    f(burst.get("eventPostsPerPreview")) + " / " + f(burst.get("eventPatchesPerPreview")));
            row(
                    b,
                    "last Event written (s) / dropped",
                    f(events.get("lastWrittenSeconds")) + " / " + f0(events.get("dropped")));
            row(b, "reconciles per preview", f(burst.get("reconcilesPerPreview")));
            if (steady != null)
                row(b, "steady resync: reconciles / writes", steady.get("reconciles") + " / " + steady.get("writes"));
            if (memory != null) {
                row(
                        b,
                        "operator heap (MiB) / per 1000 previews",
                        f(memory.get("operatorHeapMiB")) + " / " + f(memory.get("operatorHeapMiBPer1000"))
                                + (Boolean.TRUE.equals(memory.get("operatorCollected"))
                                        ? ""
                                        : " (operator not collected)"));
            }
            b.append(String.format(
                    "targets%s:%n", Boolean.TRUE.equals(doc.get("quick")) ? " (not judged: a smoke run)" : ""));
            target(
                    b,
                    "burst time / lower bound",
                    "<= 1.25",
                    (double) r.get("burstRatio") <= 1.25,
                    f(r.get("burstRatio")));
            target(
                    b,
                    "creation->Ready p99 / lower bound's p99",
                    "<= 1.3",
                    (double) r.get("p99Ratio") <= 1.3,
                    f(r.get("p99Ratio")));
            target(
                    b,
                    "Event POSTs per preview, creation to Ready",
                    "<= 3",
                    (double) burst.get("eventPostsPerPreview") <= 3.0,
                    f(burst.get("eventPostsPerPreview")));
            if (steady != null) {
                target(
                        b,
                        "writes on a steady-state resync",
                        "0",
                        ((Number) steady.get("writes")).longValue() == 0,
                        String.valueOf(steady.get("writes")));
            }
            if (memory != null) {
                double per1000 = (double) memory.get("operatorHeapMiBPer1000");
                target(b, "operator heap per 1000 Ready previews (MiB)", "<= 20", per1000 <= 20, f(per1000));
            }
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format("  %-45s %s%n", label, value));
    }

    private static void target(StringBuilder b, String label, String goal, boolean met, String value) {
        b.append(String.format("  %-4s %-45s %-8s %s%n", met ? "MET" : "MISS", label, goal, value));
    }

    private static String f(Object n) {
        return n == null ? "-" : String.format("%.2f", ((Number) n).doubleValue());
    }

    private static String f0(Object n) {
        return n == null ? "-" : String.format("%.0f", ((Number) n).doubleValue());
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            Object[] all = new Object[args.length + 2];
            all[0] = settings.previews();
            all[1] = (System.nanoTime() - born) / 1e9;
            System.arraycopy(args, 0, all, 2, args.length);
            progress.printf("[real API, %d previews, %5.1f s] " + format + "%n", all);
            progress.flush();
        }
    }
}
