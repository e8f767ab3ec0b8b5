package dev.previews.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one scenario, as docs/RELIABILITY.md publishes them: the faults, the load, the events
 * checked and the violations, the convergence time, failover times, requests failed and retried.
 * Printed at the end of the scenario and appended to {@code target/faults/report.md}.
 */
final class FaultReport {
    private final String scenario;
    private final Instant began = Instant.now();
    private final List<String> faults = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();

    FaultReport(String scenario) {
        this.scenario = scenario;
    }

    void fault(String what) {
        faults.add(what);
    }

    void figure(String name, String value) {
        figures.put(name, value);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("### ")
                .append(scenario)
                .append(" (")
                .append(seconds(Duration.between(began, Instant.now())))
                .append(")\n\n");
        out.append("- faults: ").append(String.join("; ", faults)).append('\n');
        figures.forEach(
                (k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
        return out.append('\n').toString();
    }

    void write(Path dir) {
        String text = render();
        System.err.print("[faults] " + text);
        try {
            Files.writeString(dir.resolve("report.md"), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
