package dev.previews.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who held the Lease when, as the proxies saw it: a replica holds it from its first write of the Lease
 * that the API server accepted (an acquisition or a renewal) until another replica's is accepted. Every
 * write of a replica's work (children, statuses, events) must fall within its own tenure.
 */
final class Leadership {
    private final RequestLog log;

    Leadership(RequestLog log) {
        this.log = log;
    }

    private List<RequestLog.Exchange> leaseWrites() {
        return log.where(x -> x.isLease() && x.isWrite() && x.code >= 200 && x.code < 300);
    }

    /** The replica whose Lease write the API server accepted last at or before {@code t}. */
    Optional<String> holderAt(Instant t) {
        String holder = null;
        for (RequestLog.Exchange x : leaseWrites()) {
            if (x.at.isAfter(t)) break;
            holder = x.replica;
        }
        return Optional.ofNullable(holder);
    }

    /** Waits (bounded) until the replica's write of the Lease is accepted after {@code after}; when it was received. */
    Instant awaitAcquired(String replica, Instant after, Duration atMost) {
        List<Instant> found = new ArrayList<>();
        await(replica + " holds the Lease")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    leaseWrites().stream()
                            .filter(x -> x.replica.equals(replica) && x.at.isAfter(after))
                            .findFirst()
                            .ifPresent(x -> found.add(x.at));
                    return !found.isEmpty();
                });
        return found.get(0);
    }

    /** The first write by the replica after {@code after} whose path contains {@code pathPart}. */
    Optional<Instant> firstWrite(String replica, Instant after, String pathPart) {
        return log
                .where(x -> x.replica.equals(replica) && x.isWork() && x.at.isAfter(after) && x.path.contains(pathPart))
                .stream()
                .map(x -> x.at)
                .findFirst();
    }

    /** Writes of work by a replica that did not hold the Lease when it sent them: duplicate work. */
    List<String> workOutsideTenure() {
        List<RequestLog.Exchange> leases = leaseWrites();
        List<String> outside = new ArrayList<>();
        for (RequestLog.Exchange w : log.where(RequestLog.Exchange::isWork)) {
            String holder = null;
            for (RequestLog.Exchange l : leases) {
                if (l.at.isAfter(w.at)) break;
                holder = l.replica;
            }
            if (!w.replica.equals(holder)) {
                outside.add(w + " while the Lease was " + (holder == null ? "held by no one" : holder + "'s"));
            }
        }
        return outside;
    }

    /** Work writes the replica sent after {@code t}. */
    List<RequestLog.Exchange> workAfter(String replica, Instant t) {
        return log.where(x -> x.replica.equals(replica) && x.isWork() && x.at.isAfter(t));
    }
}
