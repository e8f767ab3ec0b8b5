package dev.previews.devtools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import dev.previews.bench.Benchmark;
import dev.previews.bench.RealApiBenchmark;
import dev.previews.bench.RealApiReport;
import dev.previews.bench.Report;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `benchmark`: scale and API cost of the operator against an in-process mock API (docs/BENCHMARKS.md). */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the operator against an in-process Kubernetes API (fabric8's mock server in CRUD",
            "mode) with simulated workloads: a burst of previews created at once, the same work done by a plain",
            "client loop (the lower bound), API requests per preview, a steady-state resync, a commit storm,",
            "heap per preview and start-up time. Prints a table and writes the figures as JSON.",
            "Give two sizes (--previews 1000,10000) for the scaling figures."
        })
public final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--previews",
            split = ",",
            defaultValue = "1000",
            description = "Number of previews; a comma-separated list runs each size (default: ${DEFAULT-VALUE}).")
    List<Integer> previews;

    @Option(
            names = "--namespaces",
            defaultValue = "10",
            description = "Namespaces the previews are spread over (default: ${DEFAULT-VALUE}).")
    int namespaces;

    @Option(
            names = "--concurrency",
            defaultValue = "10",
            description =
                    "Reconciler threads of the operator, and threads of the lower bound's loop and of the driver (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--quick",
            description = "A smoke run for CI: 20 previews in 2 namespaces at concurrency 2, unless given otherwise.")
    boolean quick;

    @Option(
            names = "--json",
            defaultValue = "target/benchmark.json",
            description = "Where to write the figures (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(
            names = "--timeout",
            converter = DurationConverter.class,
            description = "Longest wait of each phase (default: 60s, or 100ms per preview when that is longer).")
    Duration timeout;

    @Option(
            names = "--warmup",
            defaultValue = "1000",
            description =
                    "Previews of a first, unreported run (with as many rounds as the measured ones) that warms up "
                            + "the JVM, so that what is measured is compiled code, not the compiler (default: ${DEFAULT-VALUE}; "
                            + "0: none; none in --quick).")
    int warmup;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description =
                    "Rounds of lower bound (without and with the operator's Events) then burst at each size; the round "
                            + "with the median ratio is reported "
                            + "(default: ${DEFAULT-VALUE}; 1 in --quick).")
    int rounds;

    @Option(
            names = "--stock-mock",
            description =
                    "Serve the API with fabric8's CRUD dispatcher as it is (it scans every stored object on every request) "
                            + "instead of the same dispatcher with an index by namespace and name.")
    boolean stockMock;

    @Option(
            names = "--kubeconfig",
            description =
                    "Run against the real API server this kubeconfig names (with its Deployment, ReplicaSet and Job "
                            + "controllers; the kubelet is played by the benchmark): rounds of the lower bound and the "
                            + "operator, alternately, each in namespaces of its own, deleted after it. Its warm-up is "
                            + "100 previews unless --warmup says otherwise.")
    Path kubeconfig;

    @Option(
            names = {"-v", "--verbose"},
            description = "Show the operator's log lines (they cost time; off by default).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        }
        var parsed = spec.commandLine().getParseResult();
        if (quick) {
            if (!parsed.hasMatchedOption("--previews")) previews = List.of(20);
            if (!parsed.hasMatchedOption("--namespaces")) namespaces = 2;
            if (!parsed.hasMatchedOption("--concurrency")) concurrency = 2;
            if (!parsed.hasMatchedOption("--rounds")) rounds = 1;
        }
        if (previews.stream().anyMatch(n -> n < 1) || namespaces < 1 || concurrency < 1 || rounds < 1) {
            System.err.println("--previews, --namespaces, --concurrency and --rounds must be at least 1");
            return 2;
        }
        if (kubeconfig != null) return real(parsed);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        doc.put("command", "benchmark " + String.join(" ", parsed.originalArgs()));
        doc.put("quick", quick);
        doc.put("machine", machine());
        doc.put("loadBefore", loadAverage());
        doc.put("heapKeptCommitted", Benchmark.keepHeapCommitted());
        List<Map<String, Object>> runs = new ArrayList<>();
        int warm = quick && !parsed.hasMatchedOption("--warmup") ? 0 : warmup;
        if (warm > 0) {
            // the first run in a JVM pays for class loading and JIT compilation; its figures are not reported
            long t0 = System.nanoTime();
            new Benchmark(
                            new Benchmark.Settings(
                                    warm,
                                    Math.min(namespaces, warm),
                                    concurrency,
                                    Duration.ofMillis(Math.max(60_000L, 100L * warm)),
                                    50,
                                    stockMock,
                                    rounds),
                            System.out)
                    .run();
            doc.put("warmup", Map.of("previews", warm, "seconds", (System.nanoTime() - t0) / 1e9));
        }
        doc.put("runs", runs);
        for (int n : previews) {
            Duration limit = timeout != null ? timeout : Duration.ofMillis(Math.max(60_000L, 100L * n));
            Benchmark.Settings settings =
                    new Benchmark.Settings(n, namespaces, concurrency, limit, quick ? 20 : 500, stockMock, rounds);
            runs.add(new Benchmark(settings, System.out).run());
        }
        doc.put("loadAfter", loadAverage());
        Report.conclude(doc);
        System.out.println();
        System.out.print(Report.table(doc));
        write(doc, json);
        System.out.println();
        System.out.println("figures written to " + json);
        return 0;
    }

    /** The run against a real API server. */
    private int real(picocli.CommandLine.ParseResult parsed) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        doc.put("command", "benchmark " + String.join(" ", parsed.originalArgs()));
        doc.put("quick", quick);
        doc.put("machine", machine());
        doc.put("loadBefore", loadAverage());
        int warm = parsed.hasMatchedOption("--warmup") ? warmup : quick ? 0 : 100;
        List<Map<String, Object>> runs = new ArrayList<>();
        doc.put("runs", runs);
        for (int n : previews) {
            Duration limit = timeout != null ? timeout : Duration.ofMillis(Math.max(120_000L, 600L * n));
            runs.add(new RealApiBenchmark(
                            new RealApiBenchmark.Settings(kubeconfig, n, namespaces, concurrency, limit, rounds, warm),
                            System.out)
                    .run());
            warm = 0;
        }
        doc.put("loadAfter", loadAverage());
        System.out.println();
        System.out.print(RealApiReport.table(doc));
        write(doc, json);
        System.out.println();
        System.out.println("figures written to " + json);
        return 0;
    }

    static void write(Map<String, Object> doc, Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null)
            Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(
                file,
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        Runtime rt = Runtime.getRuntime();
        m.put("cpus", rt.availableProcessors());
        m.put("cpuModel", cpuModel());
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof OperatingSystemMXBean sun) {
            m.put("memoryGiB", Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        }
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("java", "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        m.put("maxHeapMiB", rt.maxMemory() / (1024 * 1024));
        m.put(
                "gc",
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(b -> b.getName())
                        .toList());
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The 1, 5 and 15 minute load averages (other builds may be running on the machine). */
    private static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
