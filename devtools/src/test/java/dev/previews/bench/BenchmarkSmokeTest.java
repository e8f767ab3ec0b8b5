package dev.previews.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.devtools.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's CI smoke test: `benchmark --quick` runs and writes every figure. It checks that
 * the command works, not how fast anything is (figures live in docs/BENCHMARKS.md).
 */
class BenchmarkSmokeTest {
    @Test
    void quickRunWritesEveryFigure(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("benchmark.json");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = Main.execute("benchmark", "--quick", "--previews", "6,8", "--json", json.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).isZero();
        String table = printed.toString(StandardCharsets.UTF_8);
        stdout.print(table);
        assertThat(table)
                .contains(
                        "burst / lower bound (median round)",
                        "targets:",
                        "quick mode: a smoke run, too small to judge them");

        JsonNode doc = new ObjectMapper().readTree(Files.readString(json));
        assertThat(doc.path("machine").path("cpus").asInt()).isPositive();
        assertThat(doc.path("loadBefore").asText()).isNotBlank();
        assertThat(doc.path("runs")).hasSize(2);
        for (JsonNode run : doc.path("runs")) {
            for (String path : new String[] {
                "/burst/wallSeconds",
                "/burst/previewsPerSecond",
                "/burst/p50Millis",
                "/burst/p99Millis",
                "/lowerBound/wallSeconds",
                "/burstRatio",
                "/apiCost/operatorWritesPerPreview",
                "/apiCost/operatorEventsPerPreview",
                "/steadyState/writes",
                "/steadyState/reconciles",
                "/commitStorm/wallSeconds",
                "/memory/operatorHeapMiBPer1000",
                "/startup/restartToFirstReconcileMillis",
                "/mock/empty/getMicros",
                "/mock/full/getMicros"
            }) {
                assertThat(run.at(path).isNumber()).as(path).isTrue();
            }
            assertThat(run.at("/apiCost/operatorRequestsPerPreview").size()).isPositive();
            assertThat(run.at("/steadyState/reconciles").asInt())
                    .isEqualTo(run.path("previews").asInt());
        }
        assertThat(doc.at("/scaling/burstTimeRatio").isNumber()).isTrue();
        assertThat(doc.path("targets").size()).isGreaterThanOrEqualTo(7);
        doc.path("targets").forEach(t -> assertThat(t.path("met").isBoolean()).isTrue());
    }
}
