package dev.previews.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.function.Function;

/** The benchmark's figures as the JSON document's tree, as a readable table, and against the targets. */
public final class Report {
    private Report() {}

    public static final double TARGET_BURST_RATIO = 1.5;
    public static final double TARGET_WRITES_PER_PREVIEW = 8;
    /** Issue 22 (was 40). */
    public static final double TARGET_HEAP_MIB_PER_1000 = 20;
    /** Issue 22: against the lower bound that records the operator's Events too. */
    public static final double TARGET_BURST_RATIO_WITH_EVENTS = 1.3;
    /** Issue 22: fairness in a burst. */
    public static final double TARGET_P99_RATIO = 1.3;
    /** Issue 22: aggregated. */
    public static final double TARGET_EVENT_POSTS_PER_PREVIEW = 3;

    public static final double TARGET_SCALING_RATIO = 1.3;
    public static final double TARGET_START_MILLIS = 2000;

    /** Adds the scaling figures (last size against the first) and the targets to the document. */
    @SuppressWarnings("unchecked")
    public static void conclude(Map<String, Object> doc) {
        List<Map<String, Object>> runs = (List<Map<String, Object>>) doc.get("runs");
        if (runs.size() >= 2) {
            Map<String, Object> small = runs.get(0);
            Map<String, Object> large = runs.get(runs.size() - 1);
            Map<String, Object> scaling = new LinkedHashMap<>();
            scaling.put("from", small.get("previews"));
            scaling.put("to", large.get("previews"));
            scaling.put(
                    "burstMillisPerPreview",
                    List.of(num(small, "burst.millisPerPreview"), num(large, "burst.millisPerPreview")));
            scaling.put("burstTimeRatio", num(large, "burst.millisPerPreview") / num(small, "burst.millisPerPreview"));
            scaling.put(
                    "lowerBoundTimeRatio",
                    num(large, "lowerBound.millisPerPreview") / num(small, "lowerBound.millisPerPreview"));
            scaling.put("burstRatioRatio", num(large, "burstRatio") / num(small, "burstRatio"));
            scaling.put(
                    "reconcilerCpuRatio",
                    perPreview(large, "burst.cpuSeconds.reconciles")
                            / perPreview(small, "burst.cpuSeconds.reconciles"));
            scaling.put(
                    "heapPerPreviewRatio",
                    num(large, "memory.operatorHeapMiBPer1000") / num(small, "memory.operatorHeapMiBPer1000"));
            // the heap the operator adds per 1000 more previews (its fixed part cancels out)
            scaling.put(
                    "marginalHeapMiBPer1000",
                    (num(large, "memory.operatorHeapMiB") - num(small, "memory.operatorHeapMiB"))
                            / (num(large, "previews") - num(small, "previews"))
                            * 1000.0);
            scaling.put(
                    "reconcileCpuMillisPerPreview",
                    List.of(
                            perPreview(small, "burst.cpuSeconds.reconciles") * 1000,
                            perPreview(large, "burst.cpuSeconds.reconciles") * 1000));
            doc.put("scaling", scaling);
        }
        List<Map<String, Object>> targets = new ArrayList<>();
        targets.add(target(
                "burst time / lower bound",
                "<= " + TARGET_BURST_RATIO,
                runs,
                r -> num(r, "burstRatio"),
                v -> v <= TARGET_BURST_RATIO));
        targets.add(target(
                "burst time / lower bound with the Events",
                "<= " + TARGET_BURST_RATIO_WITH_EVENTS,
                runs,
                r -> num(r, "burstRatioWithEventsInBoth"),
                v -> v <= TARGET_BURST_RATIO_WITH_EVENTS));
        targets.add(target(
                "creation->Ready p99 / lower bound's p99",
                "<= " + TARGET_P99_RATIO,
                runs,
                r -> num(r, "burst.p99Millis") / num(r, "lowerBound.p99Millis"),
                v -> v <= TARGET_P99_RATIO));
        targets.add(target(
                "Event POSTs per preview, creation to Ready",
                "<= " + (int) TARGET_EVENT_POSTS_PER_PREVIEW,
                runs,
                r -> num(r, "apiCost.operatorEventsPerPreview"),
                v -> v <= TARGET_EVENT_POSTS_PER_PREVIEW));
        targets.add(target(
                "operator writes per preview, creation to Ready (Events apart)",
                "<= " + (int) TARGET_WRITES_PER_PREVIEW,
                runs,
                r -> num(r, "apiCost.operatorWritesPerPreview"),
                v -> v <= TARGET_WRITES_PER_PREVIEW));
        targets.add(target(
                "writes on a steady-state resync of every preview",
                "0",
                runs,
                r -> num(r, "steadyState.writes") + num(r, "startup.restartWrites"),
                v -> v == 0));
        targets.add(target(
                "operator heap per 1000 Ready previews (MiB)",
                "<= " + (int) TARGET_HEAP_MIB_PER_1000,
                runs,
                r -> num(r, "memory.operatorHeapMiBPer1000"),
                v -> v <= TARGET_HEAP_MIB_PER_1000));
        targets.add(target(
                "operator start to first reconcile (ms)",
                "< " + (int) TARGET_START_MILLIS,
                runs,
                r -> num(r, "startup.restartToFirstReconcileMillis"),
                v -> v < TARGET_START_MILLIS));
        if (doc.containsKey("scaling")) {
            Map<String, Object> s = (Map<String, Object>) doc.get("scaling");
            targets.add(single(
                    "per-preview burst time, largest / smallest size",
                    "<= " + TARGET_SCALING_RATIO,
                    num(s, "burstTimeRatio"),
                    num(s, "burstTimeRatio") <= TARGET_SCALING_RATIO));
            targets.add(single(
                    "per-preview operator heap, largest / smallest size",
                    "<= " + TARGET_SCALING_RATIO,
                    num(s, "heapPerPreviewRatio"),
                    num(s, "heapPerPreviewRatio") <= TARGET_SCALING_RATIO));
        }
        doc.put("targets", targets);
    }

    private static Map<String, Object> target(
            String name,
            String goal,
            List<Map<String, Object>> runs,
            Function<Map<String, Object>, Double> value,
            DoublePredicate ok) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", name);
        t.put("goal", goal);
        Map<String, Object> values = new LinkedHashMap<>();
        boolean met = true;
        for (Map<String, Object> r : runs) {
            double v = value.apply(r);
            values.put(String.valueOf(r.get("previews")), v);
            met &= ok.test(v);
        }
        t.put("values", values);
        t.put("met", met);
        return t;
    }

    private static Map<String, Object> single(String name, String goal, double value, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", name);
        t.put("goal", goal);
        t.put("values", Map.of("ratio", value));
        t.put("met", met);
        return t;
    }

    private static double perPreview(Map<String, Object> run, String path) {
        return num(run, path) / num(run, "previews");
    }

    /** A number at a dotted path of the tree (NaN when absent). */
    @SuppressWarnings("unchecked")
    public static double num(Map<String, Object> tree, String path) {
        Object node = tree;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map)) return Double.NaN;
            node = ((Map<String, Object>) node).get(part);
        }
        return node instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    public static String table(Map<String, Object> doc) {
        List<Map<String, Object>> runs = (List<Map<String, Object>>) doc.get("runs");
        Map<String, Object> machine = (Map<String, Object>) doc.get("machine");
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "preview-operator benchmark, %s; %s CPUs, %s, max heap %s MiB; load %s -> %s%n",
                doc.get("date"),
                machine.get("cpus"),
                machine.get("java"),
                machine.get("maxHeapMiB"),
                doc.get("loadBefore"),
                doc.get("loadAfter")));
        out.append(String.format(
                Locale.ROOT,
                "namespaces %s, concurrency %s (reconciler threads = lower-bound workers = creators), "
                        + "mock dispatcher %s%n%n",
                runs.get(0).get("namespaces"),
                runs.get(0).get("concurrency"),
                ((Map<String, Object>) runs.get(0).get("mock")).get("dispatcher")));
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>();
        head.add("previews");
        runs.forEach(r -> head.add(String.valueOf(r.get("previews"))));
        rows.add(head.toArray(String[]::new));
        row(rows, runs, "burst: all Ready (s)", r -> f(num(r, "burst.wallSeconds"), 2));
        row(rows, runs, "burst: previews Ready per s", r -> f(num(r, "burst.previewsPerSecond"), 1));
        row(
                rows,
                runs,
                "burst: creation->Ready p50 / p99 (ms)",
                r -> f(num(r, "burst.p50Millis"), 0) + " / " + f(num(r, "burst.p99Millis"), 0));
        row(rows, runs, "lower bound: all Ready (s)", r -> f(num(r, "lowerBound.wallSeconds"), 2));
        row(
                rows,
                runs,
                "lower bound: p50 / p99 (ms)",
                r -> f(num(r, "lowerBound.p50Millis"), 0) + " / " + f(num(r, "lowerBound.p99Millis"), 0));
        row(rows, runs, "burst / lower bound (median round)", r -> f(num(r, "burstRatio"), 2));
        row(rows, runs, "burst / lower bound, every round", r -> roundRatios(r, "ratio"));
        row(
                rows,
                runs,
                "lower bound with the operator's Events: all Ready (s)",
                r -> f(num(r, "lowerBoundWithEvents.wallSeconds"), 2));
        row(
                rows,
                runs,
                "burst / lower bound with the Events (median round)",
                r -> f(num(r, "burstRatioWithEventsInBoth"), 2));
        row(
                rows,
                runs,
                "burst / lower bound with the Events, every round",
                r -> roundRatios(r, "ratioWithEventsInBoth"));
        row(
                rows,
                runs,
                "operator writes per preview (no Events)",
                r -> f(num(r, "apiCost.operatorWritesPerPreview"), 2));
        row(
                rows,
                runs,
                "operator Events per preview: POSTs / count patches",
                r -> f(num(r, "apiCost.operatorEventsPerPreview"), 2) + " / "
                        + f(num(r, "apiCost.operatorEventPatchesPerPreview"), 2));
        row(
                rows,
                runs,
                "burst: last Event written (s) / Events dropped",
                r -> f(num(r, "burst.events.lastWrittenSeconds"), 2) + " / " + f(num(r, "burst.events.dropped"), 0));
        row(
                rows,
                runs,
                "requests per preview, any client: burst / lower bound",
                r -> f(num(r, "apiCost.allRequestsPerPreview"), 2) + " / "
                        + f(num(r, "lowerBound.allRequestsPerPreview"), 2));
        row(
                rows,
                runs,
                "reconciles per preview: burst / storm",
                r -> f(num(r, "burst.reconcilesPerPreview"), 2) + " / "
                        + f(num(r, "commitStorm.reconcilesPerPreview"), 2));
        row(
                rows,
                runs,
                "steady resync: reconciles / writes",
                r -> f(num(r, "steadyState.reconciles"), 0) + " / " + f(num(r, "steadyState.writes"), 0));
        row(rows, runs, "steady resync: time (s)", r -> f(num(r, "steadyState.seconds"), 2));
        row(rows, runs, "commit storm: all Ready again (s)", r -> f(num(r, "commitStorm.wallSeconds"), 2));
        row(
                rows,
                runs,
                "commit storm: p50 / p99 (ms)",
                r -> f(num(r, "commitStorm.p50Millis"), 0) + " / " + f(num(r, "commitStorm.p99Millis"), 0));
        row(
                rows,
                runs,
                "commit storm: writes / Events per preview",
                r -> f(num(r, "commitStorm.writesPerPreview"), 2) + " / "
                        + f(num(r, "commitStorm.eventsPerPreview"), 2));
        row(rows, runs, "heap: operator share (MiB)", r -> f(num(r, "memory.operatorHeapMiB"), 1));
        row(rows, runs, "heap: operator per 1000 previews (MiB)", r -> f(num(r, "memory.operatorHeapMiBPer1000"), 1));
        row(rows, runs, "heap: whole process, mock included (MiB)", r -> f(num(r, "memory.processHeapMiB"), 0));
        row(rows, runs, "start, empty cluster (ms)", r -> f(num(r, "startup.coldStartMillis"), 0));
        row(
                rows,
                runs,
                "restart: start to first reconcile (ms)",
                r -> f(num(r, "startup.restartToFirstReconcileMillis"), 0));
        row(
                rows,
                runs,
                "restart: all reconciled (s) / writes",
                r -> f(num(r, "startup.restartToAllReconciledSeconds"), 2) + " / "
                        + f(num(r, "startup.restartWrites"), 0));
        row(
                rows,
                runs,
                "mock: GET / PUT us, empty store",
                r -> f(num(r, "mock.empty.getMicros"), 0) + " / " + f(num(r, "mock.empty.updateMicros"), 0));
        row(
                rows,
                runs,
                "mock: GET / PUT us, full store",
                r -> f(num(r, "mock.full.getMicros"), 0) + " / " + f(num(r, "mock.full.updateMicros"), 0) + " ("
                        + f(num(r, "mock.full.storedObjects"), 0) + " obj)");
        row(
                rows,
                runs,
                "mock: dispatcher lookup us, stock / indexed",
                r -> f(num(r, "mock.dispatchers.stockLookupMicros"), 1) + " / "
                        + f(num(r, "mock.dispatchers.indexedLookupMicros"), 1) + " ("
                        + f(num(r, "mock.dispatchers.storedObjects"), 0) + " obj)");
        row(
                rows,
                runs,
                "mock: ms per request in burst / busy s",
                r -> f(num(r, "burst.mockMillisPerRequest.all"), 2) + " / "
                        + f(num(r, "burst.mockMillisPerRequest.busySeconds"), 1));
        row(
                rows,
                runs,
                "burst CPU s: process / mock / simulator / in reconciles",
                r -> f(num(r, "burst.cpuSeconds.process"), 1)
                        + " / " + f(num(r, "burst.cpuSeconds.mockApi"), 1) + " / "
                        + f(num(r, "burst.cpuSeconds.simulator"), 1) + " / "
                        + f(num(r, "burst.cpuSeconds.reconciles"), 1));
        row(
                rows,
                runs,
                "lower bound CPU s: process / mock / workers",
                r -> f(num(r, "lowerBound.cpuSeconds.process"), 1) + " / "
                        + f(num(r, "lowerBound.cpuSeconds.mockApi"), 1) + " / "
                        + f(num(r, "lowerBound.cpuSeconds.lowerBoundWorkers"), 1));
        row(
                rows,
                runs,
                "JVM s, burst / lower bound: JIT compiling",
                r -> f(num(r, "burst.cpuSeconds.jitCompiling"), 1) + " / "
                        + f(num(r, "lowerBound.cpuSeconds.jitCompiling"), 1));
        row(
                rows,
                runs,
                "JVM s, burst / lower bound: GC collecting",
                r -> f(num(r, "burst.cpuSeconds.gcCollecting"), 1) + " / "
                        + f(num(r, "lowerBound.cpuSeconds.gcCollecting"), 1));
        out.append(align(rows));
        if (doc.get("scaling") instanceof Map<?, ?> s) {
            Map<String, Object> sc = (Map<String, Object>) s;
            out.append(String.format(
                    Locale.ROOT,
                    "%nscaling %s -> %s previews: burst time per preview x%s, lower bound x%s, "
                            + "burst/lower bound x%s,%n  CPU inside reconciles per preview x%s, operator heap per preview x%s, "
                            + "heap per 1000 more previews %s MiB%n",
                    sc.get("from"),
                    sc.get("to"),
                    f(num(sc, "burstTimeRatio"), 2),
                    f(num(sc, "lowerBoundTimeRatio"), 2),
                    f(num(sc, "burstRatioRatio"), 2),
                    f(num(sc, "reconcilerCpuRatio"), 2),
                    f(num(sc, "heapPerPreviewRatio"), 2),
                    f(num(sc, "marginalHeapMiBPer1000"), 1)));
        }
        out.append(String.format(
                "%noperator requests per preview, creation to Ready (%s previews):%n",
                runs.get(0).get("previews")));
        Map<String, Object> cost = (Map<String, Object>)
                ((Map<String, Object>) runs.get(0).get("apiCost")).get("operatorRequestsPerPreview");
        cost.forEach((k, v) ->
                out.append(String.format(Locale.ROOT, "  %-42s %6s%n", k, f(((Number) v).doubleValue(), 3))));
        out.append(String.format("%ntargets:%n"));
        if (Boolean.TRUE.equals(doc.get("quick"))) {
            out.append(String.format(
                    "  (quick mode: a smoke run, too small to judge them; the fixed costs dominate at this size)%n"));
        }
        for (Map<String, Object> t : (List<Map<String, Object>>) doc.get("targets")) {
            StringBuilder values = new StringBuilder();
            ((Map<String, Object>) t.get("values"))
                    .forEach((k, v) -> values.append(k)
                            .append(": ")
                            .append(f(((Number) v).doubleValue(), 2))
                            .append("  "));
            out.append(String.format(
                    Locale.ROOT,
                    "  %-4s %-62s %-7s %s%n",
                    Boolean.TRUE.equals(t.get("met")) ? "MET" : "MISS",
                    t.get("target"),
                    t.get("goal"),
                    values.toString().trim()));
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static String roundRatios(Map<String, Object> run, String key) {
        List<String> ratios = new ArrayList<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) run.getOrDefault("rounds", List.of())) {
            ratios.add(f(num(r, key), 2));
        }
        return String.join(" ", ratios);
    }

    private static void row(
            List<String[]> rows,
            List<Map<String, Object>> runs,
            String label,
            Function<Map<String, Object>, String> cell) {
        List<String> r = new ArrayList<>();
        r.add(label);
        runs.forEach(run -> r.add(cell.apply(run)));
        rows.add(r.toArray(String[]::new));
    }

    private static String align(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            out.append(String.format("%-" + width[0] + "s", r[0]));
            for (int i = 1; i < cols; i++) {
                out.append("  ").append(String.format("%" + width[i] + "s", r[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String f(double v, int decimals) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
