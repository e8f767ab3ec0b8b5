package dev.previews.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesAndFormats() {
        assertThat(Durations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("36h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("3d")).isEqualTo(Duration.ofDays(3));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("1d12h");
        assertThat(Durations.format(Duration.ofDays(5))).isEqualTo("5d");
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThatThrownBy(() -> Durations.parse("5 days")).hasMessageContaining("'5 days' is not a duration");
        assertThatThrownBy(() -> Durations.parse("0m")).hasMessageContaining("zero");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsAlsoTakeMilliseconds() {
        assertThat(Durations.parseOption("800ms")).isEqualTo(Duration.ofMillis(800));
        assertThat(Durations.parseOption("0ms")).isZero();
        assertThat(Durations.parseOption("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Durations.parseOption("-5ms"))
                .hasMessage("'-5ms' is not a duration (write e.g. 800ms, 30s, 10m, 2h)");
        assertThatThrownBy(() -> Durations.parseOption("soon")).hasMessageContaining("'soon' is not a duration");
    }
}
