package dev.previews.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every request an operator process sent through its {@link ApiProxy}, and what came of it: which
 * process (replica), when the proxy received it, method, path, the status answered (or how it
 * failed), and whether the proxy answered it itself (an injected fault). The tier reads from it who
 * wrote what when (the Lease, duplicate work) and how many requests failed and were tried again.
 */
final class RequestLog {
    /** The API server's status, or one of these outcomes. */
    static final int RESET = -1;

    static final int UPSTREAM_FAILED = -2;
    static final int HELD = -3;

    static final class Exchange {
        final String replica;
        final String method;
        final String path;
        final String query;
        final Instant at;
        volatile int code;
        volatile boolean injected;

        Exchange(String replica, String method, String path, String query) {
            this.replica = replica;
            this.method = method;
            this.path = path;
            this.query = query == null ? "" : query;
            this.at = Instant.now();
        }

        boolean isWrite() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        boolean isWatch() {
            return query.contains("watch=true") || query.contains("watch=1");
        }

        boolean isLease() {
            return path.contains("/coordination.k8s.io/") && path.contains("/leases");
        }

        /**
         * A write the lifecycle makes (children, statuses, events, previews): not the Lease's renewal, nor
         * an access review (java-operator-sdk asks one at start, standby or not).
         */
        boolean isWork() {
            return isWrite() && !isLease() && !path.startsWith("/apis/authorization.k8s.io/");
        }

        boolean failed() {
            return code < 0 || code == 429 || code >= 500 || (injected && code == 409);
        }

        @Override
        public String toString() {
            return at + " " + replica + " " + method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> "
                    + switch (code) {
                        case RESET -> "reset";
                        case UPSTREAM_FAILED -> "API server unreachable";
                        case HELD -> "held";
                        case 0 -> "(no answer yet)";
                        default -> code + (injected ? " (injected)" : "");
                    };
        }
    }

    private final java.util.concurrent.atomic.AtomicLong expired = new java.util.concurrent.atomic.AtomicLong();

    /** A watch the API server ended with 410 Gone (its resourceVersion compacted away): the informer relists. */
    void expired() {
        expired.incrementAndGet();
    }

    long expiredWatches() {
        return expired.get();
    }

    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();

    Exchange begin(String replica, String method, String path, String query) {
        Exchange x = new Exchange(replica, method, path, query);
        exchanges.add(x);
        return x;
    }

    List<Exchange> all() {
        return new ArrayList<>(exchanges);
    }

    List<Exchange> where(Predicate<Exchange> filter) {
        return exchanges.stream().filter(filter).toList();
    }

    /** Requests per replica. */
    Map<String, Long> countByReplica() {
        return exchanges.stream().collect(Collectors.groupingBy(x -> x.replica, Collectors.counting()));
    }

    /**
     * Failed requests (reset, unreachable API server, 429, 5xx, an injected 409) that the same replica
     * sent again (same method and path) within a minute: the retries the faults cost.
     */
    long retried() {
        List<Exchange> all = all();
        long n = 0;
        for (int i = 0; i < all.size(); i++) {
            Exchange f = all.get(i);
            if (!f.failed() || f.isWatch()) continue;
            for (int j = i + 1; j < all.size(); j++) {
                Exchange again = all.get(j);
                if (Duration.between(f.at, again.at).compareTo(Duration.ofMinutes(1)) > 0) break;
                if (again.replica.equals(f.replica) && again.method.equals(f.method) && again.path.equals(f.path)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    long failed() {
        return exchanges.stream().filter(x -> x.failed() && !x.isWatch()).count();
    }

    long injected() {
        return exchanges.stream().filter(x -> x.injected).count();
    }
}
