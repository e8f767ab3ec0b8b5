package dev.previews.bench;

import dev.previews.api.CrdFinisher;
import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewObserver;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.simulator.OnAddOrUpdate;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                    .inform(OnAddOrUpdate.handler((Deployment d) -> {
                        Progress p = progressOf.get(key(d));
                        if (p != null && available(d) && p.available.compareAndSet(0, 1)) p.step(workers, p.gate1);
                    })));
            informers.add(loop.batch()
                    .v1()
                    .jobs()
                    .inAnyNamespace()
                    .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                    .inform(OnAddOrUpdate.handler((Job j) -> {
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

    /** The driver's watch of the previews: tells the clock when each one's status says Ready. */
    private static final class ReadyWatch implements AutoCloseable {
        final ReadyClock clock;
        private final SharedIndexInformer<PreviewDeployment> informer;

        ReadyWatch(KubernetesClient client, ReadyClock clock) {
            this.clock = clock;
            this.informer = client.resources(PreviewDeployment.class)
                    .inAnyNamespace()
                    .inform(OnAddOrUpdate.handler((PreviewDeployment p) -> {
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
