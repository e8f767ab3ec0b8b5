package dev.previews.faults;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invariant checker: watches (with the admin client, not through any fault) the previews,
 * Deployments and seed Jobs of a scenario's namespaces, and replays every event in revision order
 * into a {@link History}, which checks the invariants after each one. Events wait {@link #SETTLE}
 * before they are replayed, so that an event of one watch stream is not checked before an earlier
 * revision that another stream has still to deliver.
 */
final class Invariants implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Invariants.class);
    static final Duration SETTLE = Duration.ofSeconds(2);

    private record Pending(History.Event event, long arrivedNanos) {}

    private final History history;
    private final List<Pending> journal = new ArrayList<>();
    private final List<SharedIndexInformer<?>> informers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService replayer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "invariants");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong newest = new AtomicLong();
    private long late;
    private long replayed;

    Invariants(KubernetesClient admin, Map<String, Integer> limits) {
        this.history = new History(limits);
        informers.add(admin.resources(PreviewDeployment.class).inAnyNamespace().inform(handler()));
        informers.add(admin.apps()
                .deployments()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .inform(handler()));
        informers.add(admin.batch()
                .v1()
                .jobs()
                .inAnyNamespace()
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .inform(handler()));
        replayer.scheduleWithFixedDelay(this::replaySettled, 500, 500, TimeUnit.MILLISECONDS);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                record(obj, false, false);
            }

            @Override
            public void onUpdate(T before, T after) {
                record(after, false, false);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                record(obj, true, unknownFinalState);
            }
        };
    }

    /**
     * Whether the checker's own watches are (or were, within {@link #SETTLE}) away: the events of that time
     * are a relist's, whose order across kinds says nothing about the cluster's.
     */
    private boolean relisting() {
        long now = System.nanoTime();
        if (informers.stream().anyMatch(i -> !i.isWatching())) {
            watchesBackAt.set(Long.MAX_VALUE);
            return true;
        }
        long back = watchesBackAt.get();
        if (back == Long.MAX_VALUE) {
            watchesBackAt.set(now);
            return true;
        }
        return back != 0 && now - back < SETTLE.toNanos();
    }

    private final AtomicLong watchesBackAt = new AtomicLong();

    private void record(HasMetadata obj, boolean deleted, boolean unknownFinalState) {
        long revision = Long.parseLong(obj.getMetadata().getResourceVersion());
        // a deletion inferred from a relist happened at some revision after the last one seen: "now"
        if (unknownFinalState) revision = Math.max(revision, newest.get());
        newest.accumulateAndGet(revision, Math::max);
        synchronized (journal) {
            journal.add(new Pending(
                    new History.Event(obj, deleted, revision, Instant.now(), unknownFinalState, relisting()),
                    System.nanoTime()));
        }
    }

    private void replaySettled() {
        try {
            replay(System.nanoTime() - SETTLE.toNanos());
        } catch (RuntimeException e) {
            log.error("invariant checker failed", e);
        }
    }

    private long lastRevision;

    private synchronized void replay(long arrivedBefore) {
        List<Pending> ready = new ArrayList<>();
        synchronized (journal) {
            journal.removeIf(p -> {
                if (p.arrivedNanos() <= arrivedBefore) {
                    ready.add(p);
                    return true;
                }
                return false;
            });
        }
        ready.sort(Comparator.comparingLong(p -> p.event().revision()));
        for (Pending p : ready) {
            if (p.event().revision() < lastRevision) late++;
            lastRevision = Math.max(lastRevision, p.event().revision());
            int before = history.violations().size();
            history.apply(p.event());
            replayed++;
            history.violations()
                    .subList(before, history.violations().size())
                    .forEach(v -> System.err.println("[faults] VIOLATION " + v));
        }
    }

    /** Replays everything received so far (after a last settle) and the end-of-run checks; the violations. */
    List<Violation> finish() {
        try {
            Thread.sleep(SETTLE.toMillis()); // the settle window itself, so that the last events are in
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replayer.shutdown();
        try {
            replayer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replay(Long.MAX_VALUE);
        history.finish();
        return violations();
    }

    synchronized List<Violation> violations() {
        return List.copyOf(history.violations());
    }

    /** Events replayed and checked. */
    long checked() {
        return replayed;
    }

    /** Events that arrived after a later revision had been replayed already (should be 0 or few). */
    long late() {
        return late;
    }

    History history() {
        return history;
    }

    @Override
    public void close() {
        replayer.shutdownNow();
        informers.forEach(SharedIndexInformer::close);
    }
}
