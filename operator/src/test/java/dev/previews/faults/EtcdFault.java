package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;

import dev.previews.faults.ControlPlane.Component;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault 4: etcd stopped and started again while the load goes on: the API server answers errors and
 * timeouts (its watch caches and the informers behind them stall), the operator cannot renew its Lease
 * and may exit; started again 10 s later, as a kubelet would.
 */
@FaultTier
class EtcdFault {
    static final Duration DOWN = Duration.ofSeconds(15);

    @Test
    void stoppedAndStartedAgain(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "etcd", List.of(THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            operator.supervise(ApiServerFault.RESTART_AFTER);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            Thread.sleep(3000 + new Random(s.load.seed()).nextInt(4000)); // the fault lands amid the work
            List<String> command = cluster.plane().stop(Component.ETCD, false);
            Instant stopped = Instant.now();
            Thread.sleep(DOWN.toMillis()); // the fault: no etcd
            cluster.plane().start(Component.ETCD, command);
            cluster.plane().awaitServing(Component.API_SERVER, Duration.ofSeconds(90));
            s.report.fault("etcd stopped (SIGTERM) for " + FaultReport.seconds(DOWN)
                    + " during the load, then started with the same command line (the API server ready again "
                    + FaultReport.seconds(Duration.between(stopped, Instant.now())) + " after the stop)");
            s.afterFault(operator);
        }
    }
}
