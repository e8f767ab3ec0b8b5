package dev.previews.ops;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * With leader election, lets the operator's client write only while this replica surely holds the
 * Lease: from an accepted acquisition or renewal until the lease duration, counted from the read that
 * began it, less a margin, has passed on the monotonic clock. A replica that was paused (SIGSTOP, a
 * long GC, a suspended VM) past its lease wakes up with reconciles half done and stale caches, while
 * another replica leads; the leader elector notices only on its next round, and the reconciles under
 * way would write in between. This refuses those writes at the HTTP client, whichever code sends them.
 *
 * <p>Reads, the Lease's own requests and access reviews pass. A refused write fails with a
 * {@link Fenced} exception (code 0), which the reconcile treats like an API server that does not
 * answer; the process gives up its leadership and exits soon after.
 */
public final class LeaseFence implements Interceptor {
    /** Kept off the lease duration: clock rates and the time between the elector's clock reading and its read. */
    static final Duration MARGIN = Duration.ofSeconds(2);

    private final long validForNanos;
    private final LongSupplier nanoTime;
    private volatile long readStarted;
    private volatile long attemptStarted;
    private volatile long holdsUntil;
    private volatile boolean held;

    /** A write refused because this replica may no longer hold the Lease. */
    public static final class Fenced extends KubernetesClientException {
        Fenced(String what) {
            super(
                    "not sent: this replica may no longer hold the leader-election Lease (no renewal within the lease"
                            + " duration), so " + what + " could race the new leader's writes",
                    0,
                    null);
        }
    }

    public LeaseFence(Duration leaseDuration) {
        this(leaseDuration, System::nanoTime);
    }

    LeaseFence(Duration leaseDuration, LongSupplier nanoTime) {
        this.validForNanos = leaseDuration.minus(MARGIN).toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String path = request.uri().getPath();
        boolean write = !"GET".equals(request.method()) && !"HEAD".equals(request.method());
        if (isLease(path)) {
            // the elector reads the Lease, takes its clock reading for renewTime, then writes: validity starts at the
            // read
            if (write) {
                attemptStarted = readStarted;
            } else {
                readStarted = nanoTime.getAsLong();
            }
            return;
        }
        if (write && !path.startsWith("/apis/authorization.k8s.io/") && !holds()) {
            throw new Fenced(request.method() + " " + path);
        }
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        boolean write = !"GET".equals(request.method()) && !"HEAD".equals(request.method());
        if (write && isLease(request.uri().getPath()) && response.code() >= 200 && response.code() < 300) {
            holdsUntil = attemptStarted + validForNanos;
            held = true;
        }
    }

    /** Whether this replica surely holds the Lease now. */
    public boolean holds() {
        return held && nanoTime.getAsLong() - holdsUntil < 0;
    }

    private static boolean isLease(String path) {
        return path.startsWith("/apis/coordination.k8s.io/") && path.contains("/leases");
    }
}
