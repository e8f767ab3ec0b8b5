package dev.previews.bench;

import java.util.List;
import java.util.Map;

/** The figures of a real-API-server benchmark run as a table, with the targets of issue 22 judged. */
public final class RealApiReport {
    private RealApiReport() {}

    /** The figures of a run document as a table. */
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
}
