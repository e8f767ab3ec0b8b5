package dev.previews.bench;

import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewObserver;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.simulator.WorkloadSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.PrintStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * One benchmark run at one size: rounds of the lower bound (without and with the operator's Events)
 * and the operator's burst, each on a fresh mock API; the last round's operator goes on with the
 * steady-state resync, the commit storm, the memory and the restart. Returns its figures as a tree
 * of maps, the shape of the JSON the command writes.
 */
public final class Benchmark {
    /** The parameters of one run. */
    public record Settings(
            int previews,
            int namespaces,
            int concurrency,
            Duration timeout,
            int probeRounds,
            boolean stockMock,
            int rounds) {}

    private static final double MIB = 1024.0 * 1024.0;
    /**
     * How long the memory phase waits for the stopped operator and its client to be collected (they
     * usually are on the first collection: the wait is for a failure, which the JSON then reports).
     */
    private static final Duration COLLECT_WAIT = Duration.ofSeconds(5);

    private final Settings settings;
    private final Workload workload;
    private final PrintStream progress;
    private final long born = System.nanoTime();

    public Benchmark(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.workload = new Workload(settings.previews(), settings.namespaces());
        this.progress = progress;
    }

    /** See {@link ProcessStats#keepHeapCommitted}: once per process, before the first run. */
    public static boolean keepHeapCommitted() {
        return ProcessStats.keepHeapCommitted();
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("previews", settings.previews());
        out.put("namespaces", settings.namespaces());
        out.put("concurrency", settings.concurrency());
        Map<String, Object> mock = new LinkedHashMap<>();
        mock.put("dispatcher", settings.stockMock() ? "stock" : "indexed");
        out.put("mock", mock);

        // ---- lower bound and burst, round after round --------------------------------------------
        // Both are CPU-bound on a shared machine and move by 10 to 20 % from one run to the next: each
        // round measures the lower bound, the lower bound with the operator's Events, and then the burst,
        // each on a fresh mock API, and the round whose ratio is the median is reported. The last round's
        // operator goes on with the other phases.
        OperatorConfig config = OperatorConfig.defaults()
                .withPlan(new Plan(
                        "starter", Duration.ofDays(5), Math.max(100_000, settings.previews()), ExpiryPolicy.Delete));
        List<Map<String, Object>> lowers = new ArrayList<>();
        List<Map<String, Object>> lowersWithEvents = new ArrayList<>();
        List<Map<String, Object>> bursts = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            lowers.add(lowerBound(round, round == 1 ? mock : null, false));
            lowersWithEvents.add(lowerBound(round, null, true));
            if (round < settings.rounds()) bursts.add(burstAlone(round, config));
        }

        // ---- the operator ------------------------------------------------------------------------
        try (BenchApi api = new BenchApi(settings.stockMock())) {
            api.createNamespaces(workload.namespaceNames());
            WorkloadSimulator simulator = simulator(api);
            try {
                Reconciles reconciles = new Reconciles();
                KubernetesClient operatorClient = api.client("operator");
                long t0 = System.nanoTime();
                PreviewOperator operator = start(operatorClient, config, reconciles);
                long coldStart = System.nanoTime() - t0;

                Burst last = burst(settings.rounds(), api, reconciles);
                bursts.add(last.figures());
                putRounds(out, lowers, lowersWithEvents, bursts);
                // the requests are the same in every round: the last round's, whose log this is
                out.put("apiCost", apiCost(last.calls()));
                KubernetesClient driver = api.driver();
                mock.put("full", api.probe(settings.probeRounds()));
                mock.put(
                        "dispatchers",
                        api.dispatcherSpeed(workload.namespace(0), workload.name(0), settings.probeRounds()));

                // steady state: every preview reconciled again, nothing changed
                say("steady state: forced resync of %d Ready previews", settings.previews());
                var before = api.log().snapshot();
                long mark = reconciles.finished();
                reconciles.mark();
                long r0 = System.nanoTime();
                for (int i = 0; i < settings.previews(); i++) {
                    operator.resync(new ResourceID(workload.name(i), workload.namespace(i)));
                }
                boolean resynced = reconciles.awaitDistinct(settings.previews(), settings.timeout());
                long r1 = System.nanoTime();
                Map<String, RequestLog.Counter> calls =
                        RequestLog.between(before, api.log().snapshot());
                Map<String, Object> steady = new LinkedHashMap<>();
                steady.put("reconciles", reconciles.finished() - mark);
                steady.put("complete", resynced);
                steady.put("seconds", (r1 - r0) / 1e9);
                steady.put("writes", writes(calls, "operator", false));
                steady.put("events", count(calls, "operator", "create", "events"));
                steady.put("requests", byCall(calls, "operator", 1));
                out.put("steadyState", steady);

                // commit storm
                say("commit storm: every preview gets a new commit");
                ReadyClock stormClock = new ReadyClock(Workload.COMMIT_B, settings.previews());
                api.log().listen(stormClock);
                before = api.log().snapshot();
                var cpu0 = ProcessStats.cpu();
                long reconciled = reconciles.finished();
                long reconcileCpu = reconciles.cpuNanos();
                String patch = "{\"spec\":{\"commit\":\"" + Workload.COMMIT_B + "\"}}";
                double droppedBefore = EventTrail.dropped(reconciles.registry);
                long stormStart = System.nanoTime();
                parallel(i -> {
                    stormClock.started(workload.key(i));
                    driver.resources(PreviewDeployment.class)
                            .inNamespace(workload.namespace(i))
                            .withName(workload.name(i))
                            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                });
                awaitReady("commit storm", stormClock);
                Map<String, Object> stormEvents = EventTrail.await(
                        () -> eventWrites(api.log().snapshot()),
                        eventWrites(before),
                        4L * settings.previews(),
                        reconciles.registry,
                        droppedBefore,
                        settings.previews(),
                        stormStart,
                        settings.timeout());
                var cpu1 = ProcessStats.cpu();
                calls = RequestLog.between(before, api.log().snapshot());
                Map<String, Object> storm = timing(stormClock);
                storm.put("events", stormEvents);
                storm.put("reconcilesPerPreview", (reconciles.finished() - reconciled) / (double) settings.previews());
                storm.put("writesPerPreview", writes(calls, "operator", false) / (double) settings.previews());
                storm.put(
                        "eventsPerPreview",
                        count(calls, "operator", "create", "events") / (double) settings.previews());
                storm.put("operatorRequestsPerPreview", byCall(calls, "operator", settings.previews()));
                storm.put(
                        "cpuSeconds",
                        withReconcileCpu(
                                ProcessStats.cpuSecondsBetween(cpu0, cpu1), reconciles.cpuNanos() - reconcileCpu));
                out.put("commitStorm", storm);

                // memory: the operator's share is what its stop gives back
                say(
                        "memory: heap after full GC with %d Ready previews, with and without the operator",
                        settings.previews());
                long withOperator = ProcessStats.heapAfterGc();
                ReferenceQueue<Object> collected = new ReferenceQueue<>();
                WeakReference<PreviewOperator> operatorRef = new WeakReference<>(operator, collected);
                WeakReference<KubernetesClient> clientRef = new WeakReference<>(operatorClient, collected);
                operator.close();
                api.release(operatorClient);
                operator = null;
                operatorClient = null;
                // the client's watches end when the server has answered their close frames, a few ms after
                // the stop, and hold it until then: collect until the stopped operator and its client are
                // gone (each is enqueued as it is), so that the figure below holds nothing of theirs; bounded,
                // and the JSON says whether they went
                long collectDeadline = System.nanoTime() + COLLECT_WAIT.toNanos();
                for (int round = 0;
                        (operatorRef.get() != null || clientRef.get() != null)
                                && (round < 3 || System.nanoTime() < collectDeadline);
                        round++) { // 3 rounds at least: large heaps
                    ProcessStats.heapAfterGc();
                    collected.remove(100);
                }
                long withoutOperator = ProcessStats.heapAfterGc();
                Map<String, Object> memory = new LinkedHashMap<>();
                // true when the stopped operator and its client were collected: nothing of theirs is left in
                // the second figure, so the difference is all of the operator's heap
                memory.put("operatorCollected", operatorRef.get() == null && clientRef.get() == null);
                // the operator's informers are the only holders of PreviewDeployment objects: none may be left
                memory.put("previewObjectsLeft", ProcessStats.liveInstances(PreviewDeployment.class.getName()));
                memory.put("processHeapMiB", withOperator / MIB);
                memory.put("heapWithoutOperatorMiB", withoutOperator / MIB);
                memory.put("operatorHeapMiB", (withOperator - withoutOperator) / MIB);
                memory.put(
                        "operatorHeapMiBPer1000",
                        (withOperator - withoutOperator) / MIB * 1000.0 / settings.previews());
                out.put("memory", memory);

                // restart with N Ready previews: start to first reconcile, and a second resync that must write nothing
                say("restart: operator started again with %d Ready previews", settings.previews());
                Reconciles again = new Reconciles();
                KubernetesClient restartClient = api.client("operator");
                before = api.log().snapshot();
                t0 = System.nanoTime();
                PreviewOperator restarted = start(restartClient, config, again);
                long started = System.nanoTime();
                boolean all = again.awaitDistinct(settings.previews(), settings.timeout());
                long allDone = System.nanoTime();
                // Counted before the stop, and the stop's writes apart: the reconciles under way finish before
                // the informers stop, and none starts after (PreviewOperator.close), so the stop writes nothing
                // (before that it re-created children that the stopped informers no longer showed: 409s).
                calls = RequestLog.between(before, api.log().snapshot());
                var beforeStop = api.log().snapshot();
                restarted.close();
                var stopCalls = RequestLog.between(beforeStop, api.log().snapshot());
                Map<String, Object> startup = new LinkedHashMap<>();
                startup.put("coldStartMillis", coldStart / 1e6);
                startup.put("restartStartReturnedMillis", (started - t0) / 1e6);
                startup.put(
                        "restartToFirstReconcileMillis",
                        again.firstStart() == 0 ? null : (again.firstStart() - t0) / 1e6);
                startup.put("restartToAllReconciledSeconds", all ? (allDone - t0) / 1e9 : null);
                startup.put("restartReconciles", again.finished());
                startup.put("restartWrites", writes(calls, "operator", false));
                startup.put("restartRequests", byCall(calls, "operator", 1));
                startup.put("stopWrites", writes(stopCalls, "operator", false));
                out.put("startup", startup);
                mock.put("storedObjectsAtEnd", api.log().storedObjects());
                say("done");
            } finally {
                simulator.close();
            }
        }
        return out;
    }

    /**
     * The lower bound on a fresh mock API, with the operator's Events or not; the mock's speed is probed
     * on the empty store when asked.
     */
    private Map<String, Object> lowerBound(int round, Map<String, Object> mock, boolean events) throws Exception {
        say(
                "round %d of %d, lower bound%s: %d previews, no operator",
                round, settings.rounds(), events ? " with the operator's Events" : "", settings.previews());
        try (BenchApi api = new BenchApi(settings.stockMock())) {
            if (mock != null) mock.put("empty", api.probe(settings.probeRounds()));
            api.createNamespaces(workload.namespaceNames());
            ProcessStats.level();
            var before = api.log().snapshot();
            var cpu0 = ProcessStats.cpu();
            LowerBound.Result result =
                    LowerBound.run(api, workload, settings.concurrency(), settings.timeout(), events);
            var cpu1 = result.cpuAtEnd();
            Map<String, Object> lower = timing(result.clock());
            Map<String, RequestLog.Counter> calls =
                    RequestLog.between(before, api.log().snapshot());
            lower.put("requestsPerPreview", perPreview(calls, null));
            lower.put(
                    "allRequestsPerPreview",
                    calls.values().stream().mapToLong(RequestLog.Counter::count).sum() / (double) settings.previews());
            lower.put("cpuSeconds", ProcessStats.cpuSecondsBetween(cpu0, cpu1));
            lower.put("mockMillisPerRequest", mockMillis(calls));
            return lower;
        }
    }

    /** A round's burst on a fresh mock API, with an operator and a simulator of its own, stopped after it. */
    private Map<String, Object> burstAlone(int round, OperatorConfig config) throws Exception {
        try (BenchApi api = new BenchApi(settings.stockMock())) {
            api.createNamespaces(workload.namespaceNames());
            WorkloadSimulator simulator = simulator(api);
            try {
                Reconciles reconciles = new Reconciles();
                PreviewOperator operator = start(api.client("operator"), config, reconciles);
                try {
                    return burst(round, api, reconciles).figures();
                } finally {
                    operator.close();
                }
            } finally {
                simulator.close();
            }
        }
    }

    /**
     * The rounds' figures: those of the round whose ratio is the median, the ratio to the lower bound
     * with the Events (its own median), and every round's times and ratios.
     */
    private static void putRounds(
            Map<String, Object> out,
            List<Map<String, Object>> lowers,
            List<Map<String, Object>> lowersWithEvents,
            List<Map<String, Object>> bursts) {
        int median = medianRound(lowers, bursts);
        out.put("lowerBound", lowers.get(median));
        out.put("burst", bursts.get(median));
        out.put("burstRatio", ratio(lowers.get(median), bursts.get(median)));
        out.put("medianRound", median + 1);
        int medianWithEvents = medianRound(lowersWithEvents, bursts);
        out.put("lowerBoundWithEvents", lowersWithEvents.get(medianWithEvents));
        out.put(
                "burstRatioWithEventsInBoth",
                ratio(lowersWithEvents.get(medianWithEvents), bursts.get(medianWithEvents)));
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int i = 0; i < bursts.size(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("lowerBoundSeconds", lowers.get(i).get("wallSeconds"));
            r.put("lowerBoundWithEventsSeconds", lowersWithEvents.get(i).get("wallSeconds"));
            r.put("burstSeconds", bursts.get(i).get("wallSeconds"));
            r.put("ratio", ratio(lowers.get(i), bursts.get(i)));
            r.put("ratioWithEventsInBoth", ratio(lowersWithEvents.get(i), bursts.get(i)));
            rounds.add(r);
        }
        out.put("rounds", rounds);
    }

    /** The workload simulator, started; the controllers it stands in for write with as many workers as the lower bound has. */
    private WorkloadSimulator simulator(BenchApi api) {
        return new WorkloadSimulator(api.client("simulator"), Duration.ZERO, settings.concurrency()).start();
    }

    /** What a burst gives: its figures, and the requests it made (the same in every round). */
    private record Burst(Map<String, Object> figures, Map<String, RequestLog.Counter> calls) {}

    /** All previews created at once against a running operator, until every one is Ready. */
    private Burst burst(int round, BenchApi api, Reconciles reconciles) throws Exception {
        say(
                "round %d of %d, burst: %d previews created at once, concurrency %d",
                round, settings.rounds(), settings.previews(), settings.concurrency());
        ReadyClock clock = new ReadyClock(Workload.COMMIT_A, settings.previews());
        api.log().listen(clock);
        ProcessStats.level();
        var before = api.log().snapshot();
        var cpu0 = ProcessStats.cpu();
        long reconciled = reconciles.finished();
        long reconcileCpu = reconciles.cpuNanos();
        KubernetesClient driver = api.driver();
        double droppedBefore = EventTrail.dropped(reconciles.registry);
        long t0 = System.nanoTime();
        parallel(i -> {
            clock.started(workload.key(i));
            driver.resource(workload.preview(i)).create();
        });
        awaitReady("burst", clock);
        Map<String, Object> events = EventTrail.await(
                () -> eventWrites(api.log().snapshot()),
                eventWrites(before),
                3L * settings.previews(),
                reconciles.registry,
                droppedBefore,
                settings.previews(),
                t0,
                settings.timeout());
        var cpu1 = ProcessStats.cpu();
        Map<String, RequestLog.Counter> calls =
                RequestLog.between(before, api.log().snapshot());
        Map<String, Object> figures = timing(clock);
        figures.put("events", events);
        figures.put("reconcilesPerPreview", (reconciles.finished() - reconciled) / (double) settings.previews());
        figures.put(
                "cpuSeconds",
                withReconcileCpu(ProcessStats.cpuSecondsBetween(cpu0, cpu1), reconciles.cpuNanos() - reconcileCpu));
        figures.put("mockMillisPerRequest", mockMillis(calls));
        return new Burst(figures, calls);
    }

    private static double ratio(Map<String, Object> lower, Map<String, Object> burst) {
        return (double) burst.get("wallSeconds") / (double) lower.get("wallSeconds");
    }

    /** The index of the round whose burst / lower bound ratio is the median (of two middles, the higher). */
    static int medianRound(List<Map<String, Object>> lowers, List<Map<String, Object>> bursts) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < bursts.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble(i -> ratio(lowers.get(i), bursts.get(i))));
        return order.get(order.size() / 2);
    }

    /** The operator's Event writes (creates, and patches of a count) in a snapshot of the log. */
    private static long eventWrites(Map<String, RequestLog.Counter> log) {
        return count(log, "operator", "create", "events") + count(log, "operator", "patch", "events");
    }

    private PreviewOperator start(KubernetesClient client, OperatorConfig config, Reconciles reconciles) {
        return new PreviewOperator(
                        client,
                        config,
                        Clock.systemUTC(),
                        PreviewObserver.NONE,
                        reconciles.registry,
                        o -> o.withConcurrentReconciliationThreads(settings.concurrency())
                                .withMetrics(reconciles)
                                // a stop lets the reconciles under way finish
                                .withReconciliationTerminationTimeout(Duration.ofSeconds(30)))
                .start();
    }

    /** Adds the CPU time spent inside reconciles (measured by the metrics hook, on whatever thread). */
    private static Map<String, Double> withReconcileCpu(Map<String, Double> cpu, long nanos) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("process", cpu.get("process"));
        out.put("reconciles", nanos / 1e9);
        cpu.forEach((k, v) -> {
            if (!k.equals("process")) out.put(k, v);
        });
        return out;
    }

    private void awaitReady(String phase, ReadyClock clock) throws InterruptedException {
        if (!clock.await(settings.timeout())) {
            throw new IllegalStateException(
                    phase + ": " + clock.readyCount() + " of " + clock.expected() + " previews Ready after "
                            + settings.timeout().toSeconds() + " s; last phases seen: " + clock.phases());
        }
    }

    /** Runs the action for every preview index on {@code concurrency} threads and waits for all. */
    private void parallel(IntConsumer action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), Threads.named("bench-driver"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < settings.previews(); i++) {
                int n = i;
                futures.add(pool.submit(() -> action.accept(n)));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<String, Object> timing(ReadyClock clock) {
        Map<String, Object> out = new LinkedHashMap<>();
        double wall = clock.wallSeconds();
        double[] latencies = clock.latenciesMillis();
        out.put("wallSeconds", wall);
        out.put("previewsPerSecond", settings.previews() / wall);
        out.put("millisPerPreview", wall * 1000.0 / settings.previews());
        out.put("p50Millis", ReadyClock.percentile(latencies, 50));
        out.put("p99Millis", ReadyClock.percentile(latencies, 99));
        return out;
    }

    private Map<String, Object> apiCost(Map<String, RequestLog.Counter> calls) {
        Map<String, Object> out = new LinkedHashMap<>();
        double n = settings.previews();
        out.put("operatorWritesPerPreview", writes(calls, "operator", false) / n);
        out.put("operatorEventsPerPreview", count(calls, "operator", "create", "events") / n);
        out.put("operatorEventPatchesPerPreview", count(calls, "operator", "patch", "events") / n);
        out.put("operatorRequestsPerPreview", byCall(calls, "operator", settings.previews()));
        out.put("simulatorRequestsPerPreview", byCall(calls, "simulator", settings.previews()));
        out.put("driverRequestsPerPreview", byCall(calls, "driver", settings.previews()));
        out.put(
                "allRequestsPerPreview",
                calls.values().stream().mapToLong(RequestLog.Counter::count).sum() / n);
        return out;
    }

    /** Requests per preview as "client verb resource" -> count / n. */
    private Map<String, Object> perPreview(Map<String, RequestLog.Counter> calls, String client) {
        Map<String, Object> out = new TreeMap<>();
        calls.forEach((k, v) -> {
            String[] p = k.split("\t");
            if (client == null || p[0].equals(client)) {
                out.put(
                        (client == null ? p[0] + " " : "") + p[1] + " " + p[2],
                        v.count() / (double) settings.previews());
            }
        });
        return out;
    }

    /** One client's requests as "verb resource" -> count / divisor. */
    private static Map<String, Object> byCall(Map<String, RequestLog.Counter> calls, String client, int divisor) {
        Map<String, Object> out = new TreeMap<>();
        calls.forEach((k, v) -> {
            String[] p = k.split("\t");
            if (p[0].equals(client)) {
                out.put(p[1] + " " + p[2], divisor == 1 ? (Object) v.count() : (Object) (v.count() / (double) divisor));
            }
        });
        return out;
    }

    /** Write requests of a client; Events only when asked. */
    static long writes(Map<String, RequestLog.Counter> calls, String client, boolean events) {
        long n = 0;
        for (var e : calls.entrySet()) {
            String[] p = e.getKey().split("\t");
            if (p[0].equals(client) && RequestLog.isWrite(p[1]) && (events || !p[2].equals("events"))) {
                n += e.getValue().count();
            }
        }
        return n;
    }

    static long count(Map<String, RequestLog.Counter> calls, String client, String verb, String resource) {
        RequestLog.Counter c = calls.get(client + "\t" + verb + "\t" + resource);
        return c == null ? 0 : c.count();
    }

    /** Mean milliseconds the mock spent per request, by verb (its lock's waits included). */
    private static Map<String, Object> mockMillis(Map<String, RequestLog.Counter> calls) {
        Map<String, long[]> byVerb = new TreeMap<>();
        calls.forEach((k, v) -> {
            String verb = k.split("\t")[1];
            if (verb.equals("watch")) return;
            long[] a = byVerb.computeIfAbsent(verb, x -> new long[2]);
            a[0] += v.count();
            a[1] += v.nanos();
        });
        Map<String, Object> out = new LinkedHashMap<>();
        long total = 0;
        long nanos = 0;
        for (var e : byVerb.entrySet()) {
            out.put(e.getKey(), e.getValue()[1] / 1e6 / e.getValue()[0]);
            total += e.getValue()[0];
            nanos += e.getValue()[1];
        }
        out.put("all", total == 0 ? 0.0 : nanos / 1e6 / total);
        out.put("busySeconds", nanos / 1e9);
        return out;
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf(
                    "[%d previews, %5.1f s] " + format + "%n",
                    prepend(settings.previews(), (System.nanoTime() - born) / 1e9, args));
            progress.flush();
        }
    }

    private static Object[] prepend(Object first, Object second, Object[] rest) {
        Object[] all = new Object[rest.length + 2];
        all[0] = first;
        all[1] = second;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
