package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcilers' pool takes the waiting reconciles of the preview it saw first first: in a burst,
 * a preview's next step does not wait behind the first steps of every preview created after it.
 */
class OldestFirstExecutorTest {
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private OldestFirstExecutor pool;

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPreviewSeenEarlierGoesBeforeThoseSeenAfterIt() throws Exception {
        pool = new OldestFirstExecutor(1, t -> Optional.of(((Step) t).preview()), id -> true);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a's first step holds the only thread
        pool.execute(new Step(id("a"), "a1", () -> {
            busy.countDown();
            waitFor(release);
        }));
        busy.await(5, TimeUnit.SECONDS);
        pool.execute(new Step(id("b"), "b1", () -> {}));
        pool.execute(new Step(id("c"), "c1", () -> {}));
        pool.execute(new Step(id("a"), "a2", () -> {})); // a's Deployment became available
        pool.execute(new Step(id("b"), "b2", () -> {}));
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 5);
        assertThat(ran).containsExactly("a1", "a2", "b1", "b2", "c1");
    }

    @Test
    void tasksWhosePreviewCannotBeToldKeepTheirOrderAfterTheOthers() throws Exception {
        pool = new OldestFirstExecutor(
                1, t -> t instanceof Step s ? Optional.of(s.preview()) : Optional.empty(), id -> true);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(new Step(id("a"), "a1", () -> {
            busy.countDown();
            waitFor(release);
        }));
        busy.await(5, TimeUnit.SECONDS);
        pool.execute(() -> ran.add("x"));
        pool.execute(new Step(id("b"), "b1", () -> {}));
        pool.execute(() -> ran.add("y"));
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 4);
        assertThat(ran).containsExactly("a1", "b1", "x", "y");
    }

    @Test
    void theReconcilesOfJavaOperatorSdkNameTheirPreview() {
        // the field the pool reads; a java-operator-sdk that renames it fails here, not silently
        assertThat(OldestFirstExecutor.sdkField()).isNotNull();
    }

    private static ResourceID id(String name) {
        return new ResourceID(name, "ns");
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Step implements Runnable {
        private final ResourceID preview;
        private final String label;
        private final Runnable body;

        Step(ResourceID preview, String label, Runnable body) {
            this.preview = preview;
            this.label = label;
            this.body = body;
        }

        ResourceID preview() {
            return preview;
        }

        @Override
        public void run() {
            body.run();
            ran.add(label);
        }
    }
}
