package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AwakeScheduleTest {
    final AwakeSchedule office = AwakeSchedule.parse("Mon-Fri 07:00-20:00 Europe/Berlin");

    @Test
    void awakeInsideTheHoursOfTheZone() {
        // 2026-11-02 is a Monday; Berlin is UTC+1 in November
        assertThat(office.awakeAt(Instant.parse("2026-11-02T06:00:00Z"))).isTrue();
        assertThat(office.awakeAt(Instant.parse("2026-11-02T05:59:59Z"))).isFalse();
        assertThat(office.awakeAt(Instant.parse("2026-11-02T19:00:00Z")))
                .as("20:00 in Berlin")
                .isFalse();
        assertThat(office.awakeAt(Instant.parse("2026-11-07T10:00:00Z")))
                .as("Saturday")
                .isFalse();
    }

    @Test
    void theLastEndAndTheNextChange() {
        Instant saturday = Instant.parse("2026-11-07T10:00:00Z");
        assertThat(office.lastEnd(saturday)).isEqualTo(Instant.parse("2026-11-06T19:00:00Z"));
        assertThat(office.nextChange(saturday)).isEqualTo(Instant.parse("2026-11-09T06:00:00Z"));
        Instant mondayNoon = Instant.parse("2026-11-09T11:00:00Z");
        assertThat(office.nextChange(mondayNoon)).isEqualTo(Instant.parse("2026-11-09T19:00:00Z"));
    }

    @Test
    void windowsOverMidnightAndListsOfDays() {
        AwakeSchedule nights = AwakeSchedule.parse("Sat,Sun 22:00-06:00");
        assertThat(nights.awakeAt(Instant.parse("2026-11-08T02:00:00Z")))
                .as("Sunday 02:00, from Saturday's window")
                .isTrue();
        assertThat(nights.awakeAt(Instant.parse("2026-11-09T02:00:00Z")))
                .as("Monday 02:00, from Sunday's window")
                .isTrue();
        assertThat(nights.awakeAt(Instant.parse("2026-11-09T07:00:00Z"))).isFalse();
        assertThat(AwakeSchedule.parse("Fri-Mon 08:00-18:00").awakeAt(Instant.parse("2026-11-08T12:00:00Z")))
                .as("a range over the weekend")
                .isTrue();
    }
}
