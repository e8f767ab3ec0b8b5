package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stop waits for the reconciles under way, and lets no new one start. */
class ReconcileGateTest {
    final ReconcileGate gate = new ReconcileGate();

    @Test
    void aStopWaitsForTheReconcileUnderWayAndLetsNoNewOneIn() throws Exception {
        assertThat(gate.enter()).isTrue();
        CountDownLatch closing = new CountDownLatch(1);
        CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> {
            closing.countDown();
            try {
                return gate.close(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        closing.await();

        gate.exit();

        assertThat(stop.get(20, TimeUnit.SECONDS)).as("all reconciles finished").isTrue();
        assertThat(gate.enter()).as("a reconcile after the stop").isFalse();
    }

    @Test
    void aReconcileThatDoesNotFinishInTimeIsReported() throws Exception {
        assertThat(gate.enter()).isTrue();

        assertThat(gate.close(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void aStopWithNothingUnderWayIsImmediate() throws Exception {
        assertThat(gate.enter()).isTrue();
        gate.exit();

        assertThat(gate.close(Duration.ZERO)).isTrue();
    }
}
