package dev.previews.simulator.kubectl;

import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Duration;

/** What the sandbox answers to one request: a response, or a watch that goes on. */
sealed interface Reply permits Reply.Plain, Reply.Watch {
    record Plain(MockResponse response) implements Reply {}

    /** @param timeout when to end the watch, null for never (the client ends it) */
    record Watch(HttpWatch watch, Duration timeout) implements Reply {}
}
