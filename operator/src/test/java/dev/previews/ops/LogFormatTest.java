package dev.previews.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** `run --log-format json|plain`: what a log collector reads on standard error. */
class LogFormatTest {
    static final Logger log = LoggerFactory.getLogger("dev.previews.operator.PreviewReconciler");
    final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        System.setErr(stderr);
        LogFormat.plain.apply();
    }

    String captured(LogFormat format, Runnable logging) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        format.apply();
        logging.run();
        System.setErr(stderr);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonWritesOneObjectPerLineWithLevelLoggerMessageAndException() throws Exception {
        String text = captured(LogFormat.json, () -> {
            log.warn(
                    "team-a/login: SeedFailed: seed Job {} failed; last output:\n{}",
                    "login-seed-1",
                    "relation \"users\" does not exist");
            log.error("reconcile failed", new IllegalStateException("boom"));
        });
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("WARN");
        assertThat(first.get("loggerName").asText()).isEqualTo("dev.previews.operator.PreviewReconciler");
        assertThat(first.get("formattedMessage").asText())
                .isEqualTo(
                        "team-a/login: SeedFailed: seed Job login-seed-1 failed; last output:\nrelation \"users\" does not exist");
        assertThat(first.get("timestamp").asLong()).isPositive();
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("ERROR");
        assertThat(second.at("/throwable/className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(second.at("/throwable/message").asText()).isEqualTo("boom");
    }

    @Test
    void plainWritesReadableLines() {
        String text = captured(LogFormat.plain, () -> log.warn("team-a/login: DeploymentLimitExceeded"));
        assertThat(text.lines().toList())
                .singleElement()
                .satisfies(
                        line -> assertThat(line)
                                .matches(
                                        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  d\\.p\\.o\\.PreviewReconciler - team-a/login: DeploymentLimitExceeded"));
    }
}
