package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.simulator.ManualClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WakeUpTimerTest {
    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final List<ResourceID> woken = new CopyOnWriteArrayList<>();
    final WakeUpTimer timer = new WakeUpTimer(clock, woken::add);

    static ResourceID id(String name) {
        return new ResourceID(name, "ns");
    }

    @AfterEach
    void close() {
        timer.close();
    }

    @Test
    void firesWhatIsDueInAnyOrderOfRequests() {
        timer.wakeAt(id("a"), T0.plus(Duration.ofDays(5)));
        timer.wakeAt(id("b"), T0.plus(Duration.ofDays(1)));
        timer.wakeAt(id("c"), T0.plus(Duration.ofDays(1)));
        timer.wakeAt(id("d"), T0.plus(Duration.ofDays(3)));

        clock.advance(Duration.ofDays(2));
        timer.fireDue();
        assertThat(woken).containsExactlyInAnyOrder(id("b"), id("c"));
        assertThat(timer.pending()).isEqualTo(2);

        clock.advance(Duration.ofDays(2));
        timer.fireDue();
        assertThat(woken).containsExactlyInAnyOrder(id("b"), id("c"), id("d"));
        assertThat(timer.pending()).isEqualTo(1);
    }

    @Test
    void aNewInstantReplacesTheOldOneAndNullOrCancelForgetsIt() {
        timer.wakeAt(id("a"), T0.plus(Duration.ofDays(5)));
        timer.wakeAt(id("a"), T0.plus(Duration.ofHours(1)));
        timer.wakeAt(id("b"), T0.plus(Duration.ofHours(1)));
        timer.wakeAt(id("b"), null);
        timer.wakeAt(id("c"), T0.plus(Duration.ofHours(1)));
        timer.cancel(id("c"));
        assertThat(timer.pending()).isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        timer.fireDue();
        assertThat(woken).containsExactly(id("a"));
        assertThat(timer.pending()).isZero();

        clock.advance(Duration.ofDays(10));
        timer.fireDue();
        assertThat(woken).containsExactly(id("a"));
    }

    @Test
    void manyPreviewsEachKeepTheirOwnInstant() {
        for (int i = 0; i < 10_000; i++) {
            timer.wakeAt(id("p" + i), T0.plus(Duration.ofMinutes(10_000 - i)));
        }
        assertThat(timer.pending()).isEqualTo(10_000);
        clock.advance(Duration.ofMinutes(100));
        timer.fireDue();
        assertThat(woken).hasSize(100).contains(id("p9999"), id("p9900")).doesNotContain(id("p9899"));
        assertThat(timer.pending()).isEqualTo(9_900);
    }
}
