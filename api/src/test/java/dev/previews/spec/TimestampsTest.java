package dev.previews.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    @Test
    void readsWhatItWritesAndWhatKubernetesWrites() {
        Instant t = Instant.parse("2026-11-22T07:35:39Z");
        assertThat(Timestamps.parse(Timestamps.format(t.plusMillis(900)))).isEqualTo(t);
        assertThat(Timestamps.parse("2024-02-29T23:59:59Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
        assertThat(Timestamps.parse("1970-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void otherFormsGoToTheFullParser() {
        assertThat(Timestamps.parse("2026-11-22T07:35:39.250Z")).isEqualTo(Instant.parse("2026-11-22T07:35:39.250Z"));
        assertThat(Timestamps.parse(null)).isNull();
        assertThat(Timestamps.parse(" ")).isNull();
    }

    @Test
    void invalidDatesAreRefusedAsBefore() {
        assertThatThrownBy(() -> Timestamps.parse("2026-02-30T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("2026-1x-22T07:35:39Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("yesterday")).isInstanceOf(DateTimeParseException.class);
    }
}
