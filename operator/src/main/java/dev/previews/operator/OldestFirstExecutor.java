package dev.previews.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcilers' thread pool, which takes the waiting reconciles of the preview it saw first
 * first, instead of in the order they were queued. java-operator-sdk queues a reconcile when an
 * event comes: in a burst of a thousand creations, a preview whose Deployment just became available
 * was queued behind every creation after its own, and the previews went through each step in
 * lock-step waves, the first one Ready only at the end of the burst. Ordered by when each preview was
 * first seen, a preview's next step goes before the first steps of the ones created after it, so the
 * first previews of a burst are Ready early; the time of the whole burst does not change.
 *
 * <p>One reconcile per preview at a time is java-operator-sdk's rule, so a preview cannot take every
 * thread; an old preview that keeps changing goes first each time, which is the deployment limit's
 * order too (oldest first). Reconciles whose preview cannot be told (a java-operator-sdk that words
 * its tasks otherwise) keep the order they were queued in, after those it can tell.
 */
final class OldestFirstExecutor extends ThreadPoolExecutor {
    private static final Logger log = LoggerFactory.getLogger(OldestFirstExecutor.class);
    /** How many reconciles between two looks for previews that are gone (their ranks are dropped). */
    private static final int PRUNE_EVERY = 10_000;

    private final Function<Runnable, Optional<ResourceID>> previewOf;
    private final Predicate<ResourceID> exists;
    private final Map<ResourceID, Long> firstSeen = new ConcurrentHashMap<>();
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicInteger sincePrune = new AtomicInteger();

    /**
     * @param previewOf the preview a task reconciles, when it can be told
     * @param exists whether a preview is still there (its rank is dropped when not)
     */
    OldestFirstExecutor(int threads, Function<Runnable, Optional<ResourceID>> previewOf, Predicate<ResourceID> exists) {
        super(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<>(64, Comparator.comparing(r -> (Ranked) r)),
                named());
        this.previewOf = previewOf;
        this.exists = exists;
    }

    /** For java-operator-sdk's reconciles: the preview is the task's {@code resourceID}. */
    OldestFirstExecutor(int threads, Predicate<ResourceID> exists) {
        this(threads, OldestFirstExecutor::sdkResourceId, exists);
    }

    /** Sets the number of threads. */
    void resize(int threads) {
        if (threads > getMaximumPoolSize()) {
            setMaximumPoolSize(threads);
            setCorePoolSize(threads);
        } else {
            setCorePoolSize(threads);
            setMaximumPoolSize(threads);
        }
    }

    @Override
    public void execute(Runnable task) {
        long order = queued.incrementAndGet();
        long rank = previewOf
                .apply(task)
                .map(id -> firstSeen.computeIfAbsent(id, k -> seen.incrementAndGet()))
                .orElse(Long.MAX_VALUE);
        if (sincePrune.incrementAndGet() >= PRUNE_EVERY) {
            sincePrune.set(0);
            firstSeen.keySet().removeIf(id -> !exists.test(id));
        }
        super.execute(new Ranked(task, rank, order));
    }

    /** A task with its preview's rank, and the order it was queued in for equal ranks. */
    private record Ranked(Runnable task, long rank, long order) implements Runnable, Comparable<Ranked> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Ranked o) {
            int c = Long.compare(rank, o.rank);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private static final Field SDK_RESOURCE_ID = sdkField();

    /** java-operator-sdk's reconcile task ({@code EventProcessor.ReconcilerExecutor}) names its resource in a field. */
    static Field sdkField() {
        try {
            Field f = Class.forName("io.javaoperatorsdk.operator.processing.event.EventProcessor$ReconcilerExecutor")
                    .getDeclaredField("resourceID");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("reconciles are taken in the order they are queued: {}", e.toString());
            return null;
        }
    }

    static Optional<ResourceID> sdkResourceId(Runnable task) {
        if (SDK_RESOURCE_ID == null || !SDK_RESOURCE_ID.getDeclaringClass().isInstance(task)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((ResourceID) SDK_RESOURCE_ID.get(task));
        } catch (IllegalAccessException e) {
            return Optional.empty();
        }
    }

    private static ThreadFactory named() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ReconcilerExecutor-previews-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }
}
