package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault 5: watches that go away and come back from old revisions. The operator's watches are refused
 * for 20 s (its proxy resets every watch, other requests pass) while the load and the operator itself
 * keep writing, and etcd's history is compacted up to its current revision, twice; then the watches
 * come back from the revisions the informers last saw. Whether the API server answers them from its
 * watch cache or with 410 Gone (and the informers list again), nothing the operator missed may stay
 * missed. On this control plane the watch cache answers them: see docs/RELIABILITY.md, "Not covered".
 */
@FaultTier
class WatchExpiryFault {
    static final Duration WITHOUT_WATCHES = Duration.ofSeconds(20);

    @Test
    void watchesExpiredByCompactionRelistAndMissNothing(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "watch-expiry", List.of(THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            operator.supervise(ApiServerFault.RESTART_AFTER);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(200));
            Thread.sleep(3000 + new Random(s.load.seed()).nextInt(3000)); // the fault lands amid the work
            operator.proxy().fault(new ApiProxy.RefuseWatches());
            Thread.sleep(WITHOUT_WATCHES.toMillis() / 2); // the fault: no watch, writes go on
            long first = cluster.plane().compactEtcd();
            Thread.sleep(WITHOUT_WATCHES.toMillis() / 2);
            long second = cluster.plane().compactEtcd();
            operator.proxy().heal();
            s.report.fault("the operator's watches reset for " + FaultReport.seconds(WITHOUT_WATCHES)
                    + " during the load, etcd compacted to revision " + first + " and then " + second
                    + ", watches let through again from the revisions the informers last saw");
            s.afterFault(operator);
        }
    }
}
