package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ages as kubectl shows them from a cluster (apimachinery's HumanDuration). */
class HumanDurationTest {
    @ParameterizedTest(name = "{0} s = {1}")
    @CsvSource({
        "-5, <invalid>",
        "-1, 0s",
        "0, 0s",
        "119, 119s",
        "120, 2m",
        "245, 4m5s",
        "600, 10m",
        "10799, 179m",
        "10800, 3h",
        "11100, 3h5m",
        "28800, 8h",
        "172799, 47h",
        "172800, 2d",
        "183600, 2d3h",
        "691200, 8d",
        "63072000, 2y",
        "63158400, 2y1d",
        "252288000, 8y",
    })
    void printsAsTheApiServer(long seconds, String expected) {
        assertThat(HumanDuration.of(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void sinceATimestamp() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        assertThat(HumanDuration.since("2026-12-06T11:55:30Z", now)).isEqualTo("4m30s");
        assertThat(HumanDuration.since("yesterday", now)).isEqualTo("<invalid>");
    }
}
