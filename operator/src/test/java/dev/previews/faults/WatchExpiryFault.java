package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;

import dev.previews.faults.ControlPlane.Component;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault 5: watches that expire. The operator's watches are refused for a while (its proxy resets every
 * watch, other requests pass) while the load and the operator itself keep writing, and etcd's history is
 * compacted up to its current revision, twice: when the watches come back from the revisions the
 * informers last saw, the API server answers 410 Gone (compacted, or past its watch cache's window) and
 * the informers list again. Nothing the operator missed meanwhile may stay missed.
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
            // the API server's watch cache would still serve the informers' revisions: started again, it
            // fills the cache from etcd's current revision, and a watch from an older one is answered 410 Gone
            List<String> command = cluster.plane().stop(Component.API_SERVER, false);
            cluster.plane().start(Component.API_SERVER, command);
            long second = cluster.plane().compactEtcd();
            Thread.sleep(WITHOUT_WATCHES.toMillis() / 2);
            operator.proxy().heal();
            s.report.fault("the operator's watches reset for " + FaultReport.seconds(WITHOUT_WATCHES)
                    + " or more during the load; meanwhile etcd compacted to revision " + first
                    + ", kube-apiserver restarted (its watch cache refilled from etcd) and etcd compacted again to "
                    + second + "; then watches let through again, from the revisions the informers last saw");
            s.afterFault(operator);
        }
    }
}
