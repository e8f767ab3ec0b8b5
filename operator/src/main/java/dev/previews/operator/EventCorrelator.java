package dev.previews.operator;

import dev.previews.operator.EventOccurrence.Key;
import dev.previews.operator.EventOccurrence.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which write an Event occurrence deserves, as client-go's EventCorrelator decides it:
 *
 * <ul>
 *   <li><b>Aggregation.</b> The same object, type, reason and message again within {@link #WINDOW} of
 *       its last occurrence is the same Event: a patch of its count and lastTimestamp, not a new Event.
 *   <li><b>Rate limit per object.</b> Writes about one object (creates and patches) draw from a token
 *       bucket of {@link #BURST} that refills by one every {@link #REFILL}: a storm on one preview
 *       costs the API server a burst, then one write a minute. A new Event over the limit is dropped
 *       (as client-go's spam filter drops it); a repeat over the limit is only counted, and its count
 *       is written with the next patch the bucket allows ({@link #due}), so no occurrence is lost from
 *       the count.
 * </ul>
 *
 * At most {@link #TRACKED} Events and objects are remembered (least recently used first out), and
 * Events past their window and buckets that refilled are forgotten as time goes on. Decisions only:
 * the caller writes, and tells what the API server answered ({@link #created}, {@link #lost}). Not
 * thread-safe: one writer thread owns it.
 */
final class EventCorrelator {
    /** How long after its last occurrence an Event still aggregates the same occurrence. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    /** Writes about one object that may be made at once. */
    static final int BURST = 25;
    /** How often the bucket of an object gains back one write. */
    static final Duration REFILL = Duration.ofMinutes(1);
    /** Events (and objects) remembered at most, as client-go's LRU cache of 4096. */
    static final int TRACKED = 4096;

    /** A write to make. */
    sealed interface Write permits Create, Patch {
        Key key();
    }

    /** Create the Event, with this count, first and last time. */
    record Create(Key key, EventOccurrence first, int count, Instant firstAt, Instant lastAt) implements Write {}

    /** Set the count and the lastTimestamp of the Event of this name. */
    record Patch(Key key, String eventName, int count, Instant lastAt) implements Write {}

    /** One Event: how often it happened, how much of that is written, and its name once created. */
    private static final class Series {
        final EventOccurrence first;
        Instant lastAt;
        int count = 1;
        int written;
        String eventName;

        Series(EventOccurrence first) {
            this.first = first;
            this.lastAt = first.at();
        }

        Create create() {
            written = count;
            return new Create(first.key(), first, count, first.at(), lastAt);
        }

        Patch patch() {
            written = count;
            return new Patch(first.key(), eventName, count, lastAt);
        }
    }

    private final Map<Key, Series> series = lru();
    /** Per object, the generic cell rate algorithm's theoretical arrival time: exact, with no float. */
    private final Map<Subject, Instant> buckets = lru();
    /** Events whose count went up while their object's bucket was empty. */
    private final Set<Key> pending = new LinkedHashSet<>();

    private long dropped;

    /**
     * The write this occurrence deserves, if any. It is judged at the time it happened (not when the
     * writer comes to it), so that the same occurrences give the same writes however busy the writer is.
     */
    Optional<Write> observe(EventOccurrence o) {
        Instant now = o.at();
        forgetExpired(now);
        Key key = o.key();
        Series s = series.get(key);
        if (s != null && s.eventName != null && !o.at().isAfter(s.lastAt.plus(WINDOW))) {
            s.count++;
            s.lastAt = o.at();
            if (take(o.subject(), now)) {
                pending.remove(key);
                return Optional.of(s.patch());
            }
            pending.add(key);
            return Optional.empty();
        }
        if (!take(o.subject(), now)) {
            dropped++;
            return Optional.empty();
        }
        Series fresh = new Series(o);
        pending.remove(key);
        series.put(key, fresh);
        return Optional.of(fresh.create());
    }

    /** The patches of held-back counts whose objects may be written to again now. */
    List<Write> due(Instant now) {
        List<Write> out = new ArrayList<>();
        for (Iterator<Key> it = pending.iterator(); it.hasNext(); ) {
            Key key = it.next();
            Series s = series.get(key);
            if (s == null || s.eventName == null || s.written >= s.count) {
                it.remove();
            } else if (take(subject(key), now)) {
                it.remove();
                out.add(s.patch());
            }
        }
        return out;
    }

    /** Every held-back count, whatever the buckets say: what is left to write when the operator stops. */
    List<Write> rest() {
        List<Write> out = new ArrayList<>();
        for (Key key : pending) {
            Series s = series.get(key);
            if (s != null && s.eventName != null && s.written < s.count) out.add(s.patch());
        }
        pending.clear();
        return out;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The Event was created under this name: repeats patch it. */
    void created(Key key, String eventName) {
        Series s = series.get(key);
        if (s != null) s.eventName = eventName;
    }

    /**
     * The Event could not be written, or is gone from the API server (its time to live ran out): a
     * repeat starts a new Event. Returns the create that writes it again with its count, if it is known.
     */
    Optional<Create> lost(Key key) {
        Series s = series.get(key);
        if (s == null) return Optional.empty();
        s.eventName = null;
        return Optional.of(s.create());
    }

    /** New Events over their object's limit, dropped so far. */
    long dropped() {
        return dropped;
    }

    private boolean take(Subject subject, Instant now) {
        Instant tat = buckets.get(subject);
        Instant from = tat == null || tat.isBefore(now) ? now : tat;
        if (Duration.between(now, from).compareTo(REFILL.multipliedBy(BURST - 1)) > 0) {
            return false;
        }
        buckets.put(subject, from.plus(REFILL));
        return true;
    }

    private static Subject subject(Key key) {
        return new Subject(key.namespace(), key.name(), key.uid());
    }

    /** Drops, oldest first, Events past their window and buckets that filled up again. */
    private void forgetExpired(Instant now) {
        for (Iterator<Map.Entry<Key, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Series> e = it.next();
            if (!e.getValue().lastAt.plus(WINDOW).isBefore(now) || pending.contains(e.getKey())) break;
            it.remove();
        }
        for (Iterator<Map.Entry<Subject, Instant>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isAfter(now)) break;
            it.remove();
        }
    }

    /** A map in order of last use that keeps at most {@link #TRACKED} entries. */
    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > TRACKED;
            }
        };
    }
}
