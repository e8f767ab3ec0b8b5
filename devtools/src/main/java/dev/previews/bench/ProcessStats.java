package dev.previews.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/** What the benchmark reads about its own process: heap after a full GC, CPU time by thread group. */
final class ProcessStats {
    private ProcessStats() {}

    /**
     * Levels the ground before a measured phase: a full collection, so that no phase pays for the
     * garbage the one before left (its mock API, clients and objects, hundreds of MiB at 10000 previews).
     */
    static void level() {
        ManagementFactory.getMemoryMXBean().gc();
    }

    /**
     * Keeps the heap at the size it grew to (MaxHeapFreeRatio=100, a flag the JVM lets a running process
     * set): otherwise each full collection of {@link #level} hands the heap back to the system, and the
     * next phase pays again for the first touch of every page it needs.
     *
     * @return whether the JVM took the setting
     */
    static boolean keepHeapCommitted() {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption("MaxHeapFreeRatio", "100");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Heap in use after full collections (the smallest of a few, so that late finalization does not count). */
    static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /**
     * CPU nanoseconds so far: the whole process, and by thread group: the mock API server (vert.x), each
     * benchmark client's HTTP and informer threads (named after the client; the simulator's workers count
     * with its client), the lower bound's workers,
     * and the other threads (among them java-operator-sdk's reconciler pool: the time inside reconciles
     * is measured apart, see {@link Reconciles}). GC and JIT threads count for the process only.
     * Threads that ended before the sample are missing from the groups, not from the process.
     */
    static Map<String, Long> cpu() {
        Map<String, Long> out = new LinkedHashMap<>();
        var os = ManagementFactory.getOperatingSystemMXBean();
        long process = os instanceof OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        out.put("process", process);
        // not CPU time, but where the JVM's own share goes: JIT compilation (time spent compiling) and GC
        // (time in collections); both are in "jvmAndEndedThreads"
        var jit = ManagementFactory.getCompilationMXBean();
        out.put(
                "jitCompiling",
                jit != null && jit.isCompilationTimeMonitoringSupported()
                        ? jit.getTotalCompilationTime() * 1_000_000L
                        : 0L);
        out.put(
                "gcCollecting",
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                                .mapToLong(b -> Math.max(0, b.getCollectionTime()))
                                .sum()
                        * 1_000_000L);
        for (String g : GROUPS) out.put(g, 0L);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) return out;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t < 0) continue;
            out.merge(group(info.getThreadName()), t, Long::sum);
        }
        return out;
    }

    /** Live instances of a class, from the JVM's class histogram (after a full GC); -1 if unavailable. */
    static long liveInstances(String className) {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {null},
                            new String[] {String[].class.getName()});
            for (String line : histogram.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[3].equals(className)) return Long.parseLong(f[1]);
            }
            return 0;
        } catch (Exception e) {
            return -1;
        }
    }

    static final List<String> GROUPS = List.of(
            "mockApi", "operatorClient", "simulator", "driverClient", "lowerBoundClient", "lowerBoundWorkers", "other");

    static String group(String thread) {
        if (thread.startsWith("vert.x-")) return "mockApi";
        if (thread.startsWith("bench-client-operator")) return "operatorClient";
        if (thread.startsWith("bench-client-simulator") || thread.startsWith("workload-simulator")) return "simulator";
        if (thread.startsWith("bench-client-driver") || thread.startsWith("bench-driver")) return "driverClient";
        if (thread.startsWith("bench-client-lower-bound")) return "lowerBoundClient";
        if (thread.startsWith("bench-lb-")) return "lowerBoundWorkers";
        return "other";
    }

    static Map<String, Double> cpuSecondsBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, Math.max(0, v - before.getOrDefault(k, 0L)) / 1e9));
        double threads =
                GROUPS.stream().mapToDouble(g -> out.getOrDefault(g, 0.0)).sum();
        out.put("jvmAndEndedThreads", Math.max(0, out.get("process") - threads));
        return out;
    }
}
