package dev.previews.ci;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** Progress lines on stderr: each change of state with the time since the start, and a heartbeat while nothing changes. */
final class Progress {
    private final Consumer<String> say;
    private final Clock clock;
    private final Instant start;
    private final Duration heartbeat;
    private String last;
    private Instant lastPrinted;

    Progress(Consumer<String> say, Clock clock, Instant start, Duration heartbeat) {
        this.say = say;
        this.clock = clock;
        this.start = start;
        this.heartbeat = heartbeat;
    }

    void report(String state) {
        Instant now = clock.instant();
        if (state.equals(last) && Duration.between(lastPrinted, now).compareTo(heartbeat) < 0) {
            return;
        }
        String elapsed = DurationFormat.of(Duration.between(start, now));
        say.accept(String.format("[%6s] %s%s", elapsed, state.equals(last) ? "still " : "", state));
        last = state;
        lastPrinted = now;
    }
}
