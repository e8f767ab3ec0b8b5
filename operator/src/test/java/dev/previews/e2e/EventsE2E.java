package dev.previews.e2e;

import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events on a real API server: a transition that happens again (a preview made invalid twice with the
 * same mistake, and provisioned again after each fix) is the same Event with a count, which the
 * operator raises with a patch its RBAC allows, as kubectl describe shows it ("x3 over 20s").
 */
@EndToEnd
class EventsE2E {
    static final String GOOD = "registry.example.com/shop/api:{{shortCommit}}";
    static final String BAD = "registry.example.com/shop/api:{{sha}}";

    @Test
    void aTransitionThatHappensAgainIsOneEventWithACount(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("events", null)) {
            ns.create(Previews.preview(ns.name(), "flaky", "feature/flaky"));
            ns.awaitPreview("flaky", ready());
            for (int i = 0; i < 2; i++) {
                image(ns, BAD);
                ns.awaitPreview("flaky", condition("Provisioned", "False", "InvalidSpec"));
                image(ns, GOOD);
                ns.awaitPreview("flaky", ready());
            }

            await("one InvalidSpec Event counted twice, one Provisioned Event counted three times")
                    .atMost(E2EEnvironment.WAIT)
                    .pollInterval(E2EEnvironment.POLL)
                    .untilAsserted(() -> {
                        List<Event> events = ns.events("flaky");
                        assertThat(events)
                                .filteredOn(e -> "InvalidSpec".equals(e.getReason()))
                                .singleElement()
                                .satisfies(e -> {
                                    assertThat(e.getType()).isEqualTo("Warning");
                                    assertThat(e.getCount()).isEqualTo(2);
                                    assertThat(e.getLastTimestamp()).isGreaterThanOrEqualTo(e.getFirstTimestamp());
                                });
                        assertThat(events)
                                .filteredOn(e -> "Provisioned".equals(e.getReason()))
                                .singleElement()
                                .satisfies(e -> assertThat(e.getCount()).isEqualTo(3));
                    });
        }
    }

    private static void image(TestNamespace ns, String image) {
        ns.preview("flaky").edit(p -> {
            p.getSpec().getBackend().setImage(image);
            return p;
        });
    }
}
