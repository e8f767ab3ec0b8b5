package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.operator.EventCorrelator.Create;
import dev.previews.operator.EventCorrelator.Patch;
import dev.previews.operator.EventCorrelator.Write;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The correlator's decisions, without a server: aggregation, the window, the rate limit per object. */
class EventCorrelatorTest {
    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    final EventCorrelator correlator = new EventCorrelator();

    @Test
    void aFirstOccurrenceIsCreatedAndItsRepeatsPatchTheCount() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        assertThat(first)
                .isInstanceOfSatisfying(Create.class, c -> assertThat(c.count()).isEqualTo(1));
        correlator.created(first.key(), "shop.1");

        Instant later = T0.plusSeconds(90);
        assertThat(correlator.observe(asleep("shop", later))).contains(new Patch(first.key(), "shop.1", 2, later));
    }

    @Test
    void aRepeatAfterTheWindowIsANewEvent() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        correlator.created(first.key(), "shop.1");
        Instant later = T0.plus(EventCorrelator.WINDOW).plusSeconds(1);
        assertThat(correlator.observe(asleep("shop", later))).get().isInstanceOf(Create.class);
    }

    @Test
    void anotherMessageOrObjectIsAnotherEvent() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        correlator.created(first.key(), "shop.1");
        assertThat(correlator.observe(occurrence("shop", "uid-shop", "Asleep", "another message", T0)))
                .get()
                .isInstanceOf(Create.class);
        assertThat(correlator.observe(asleep("cart", T0))).get().isInstanceOf(Create.class);
    }

    @Test
    void anObjectGetsABurstThenOneWriteAMinute() {
        for (int i = 0; i < EventCorrelator.BURST; i++) {
            assertThat(correlator.observe(failed("storm", i, T0)))
                    .as("write %d", i)
                    .isPresent();
        }
        assertThat(correlator.observe(failed("storm", 100, T0))).isEmpty();
        Instant almost = T0.plus(EventCorrelator.REFILL).minusMillis(1);
        assertThat(correlator.observe(failed("storm", 101, almost))).isEmpty();
        Instant minute = T0.plus(EventCorrelator.REFILL);
        assertThat(correlator.observe(failed("storm", 102, minute))).isPresent();
        assertThat(correlator.observe(failed("storm", 103, minute))).isEmpty();
        assertThat(correlator.dropped()).isEqualTo(3);
        // another object is not held back by the storm
        assertThat(correlator.observe(failed("calm", 0, minute))).isPresent();
    }

    @Test
    void aRepeatHeldBackIsWrittenWithItsCountOnceTheObjectMayBeWrittenAgain() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        correlator.created(first.key(), "shop.1");
        for (int i = 1; i < EventCorrelator.BURST + 5; i++) {
            correlator.observe(asleep("shop", T0));
        }
        assertThat(correlator.hasPending()).isTrue();
        assertThat(correlator.due(T0)).isEmpty();

        Instant minute = T0.plus(EventCorrelator.REFILL);
        assertThat(correlator.due(minute))
                .containsExactly(new Patch(first.key(), "shop.1", EventCorrelator.BURST + 5, T0));
        assertThat(correlator.hasPending()).isFalse();
    }

    @Test
    void whatIsHeldBackIsAllWrittenAtTheEnd() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        correlator.created(first.key(), "shop.1");
        for (int i = 1; i < EventCorrelator.BURST + 5; i++) {
            correlator.observe(asleep("shop", T0));
        }
        assertThat(correlator.rest()).containsExactly(new Patch(first.key(), "shop.1", EventCorrelator.BURST + 5, T0));
        assertThat(correlator.hasPending()).isFalse();
    }

    @Test
    void anEventGoneFromTheApiServerIsCreatedAgainWithItsCount() {
        Write first = correlator.observe(asleep("shop", T0)).orElseThrow();
        correlator.created(first.key(), "shop.1");
        correlator.observe(asleep("shop", T0.plusSeconds(5)));

        Optional<Create> again = correlator.lost(first.key());
        assertThat(again).get().satisfies(c -> {
            assertThat(c.count()).isEqualTo(2);
            assertThat(c.firstAt()).isEqualTo(T0);
            assertThat(c.lastAt()).isEqualTo(T0.plusSeconds(5));
        });
    }

    @Test
    void whatIsRememberedStaysBounded() {
        for (int i = 0; i < EventCorrelator.TRACKED + 100; i++) {
            Write w = correlator.observe(asleep("p-" + i, T0)).orElseThrow();
            correlator.created(w.key(), "p-" + i + ".1");
        }
        // the oldest were forgotten: their repeat is a new Event; the newest still aggregate
        assertThat(correlator.observe(asleep("p-0", T0))).get().isInstanceOf(Create.class);
        String last = "p-" + (EventCorrelator.TRACKED + 99);
        assertThat(correlator.observe(asleep(last, T0))).get().isInstanceOf(Patch.class);
    }

    static EventOccurrence asleep(String name, Instant at) {
        return occurrence(name, "uid-" + name, "Asleep", "scaled to zero after 2h without activity", at);
    }

    static EventOccurrence failed(String name, int job, Instant at) {
        return occurrence(name, "uid-" + name, "SeedFailed", "seed Job " + name + "-seed-" + job + " failed", at);
    }

    static EventOccurrence occurrence(String name, String uid, String reason, String message, Instant at) {
        return new EventOccurrence("team-a", name, uid, "1", EventRecorder.Type.Normal, reason, message, at);
    }
}
