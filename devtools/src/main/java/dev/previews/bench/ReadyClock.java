package dev.previews.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Times one phase of a benchmark: when each preview's change was made (by the driver) and when the
 * API server stored the status write that says Ready for the expected commit. Listens to the
 * {@link RequestLog}.
 */
final class ReadyClock implements RequestLog.StatusListener {
    private final String commit;
    private final int expected;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> ready = new ConcurrentHashMap<>();
    private final Map<String, String> lastPhase = new ConcurrentHashMap<>();
    private final CountDownLatch all;
    private volatile long first = Long.MAX_VALUE;

    ReadyClock(String commit, int expected) {
        this.commit = commit;
        this.expected = expected;
        this.all = new CountDownLatch(expected);
    }

    /** The driver is about to create or change the preview. */
    void started(String key) {
        long now = System.nanoTime();
        started.putIfAbsent(key, now);
        if (now < first) {
            synchronized (this) {
                if (now < first) first = now;
            }
        }
    }

    @Override
    public void statusWritten(String namespace, String name, String phase, String commit, long nanoTime) {
        String key = namespace + "/" + name;
        if (phase != null) lastPhase.put(key, phase);
        if ("Ready".equals(phase) && this.commit.equals(commit) && ready.putIfAbsent(key, nanoTime) == null) {
            all.countDown();
        }
    }

    /** Waits until every preview is Ready; false when the time ran out. */
    boolean await(Duration timeout) throws InterruptedException {
        return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int readyCount() {
        return ready.size();
    }

    /** How many previews were last seen in each phase (for a timeout's message). */
    Map<String, Integer> phases() {
        Map<String, Integer> out = new TreeMap<>();
        lastPhase.values().forEach(p -> out.merge(p, 1, Integer::sum));
        return out;
    }

    /** Seconds from the first change to the last Ready. */
    double wallSeconds() {
        long last = ready.values().stream().mapToLong(Long::longValue).max().orElse(first);
        return (last - first) / 1e9;
    }

    /** Milliseconds from each preview's change to its Ready, sorted. */
    double[] latenciesMillis() {
        List<Double> out = new ArrayList<>();
        ready.forEach((k, t) -> {
            Long s = started.get(k);
            if (s != null) out.add((t - s) / 1e6);
        });
        double[] a = out.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    int expected() {
        return expected;
    }
}
