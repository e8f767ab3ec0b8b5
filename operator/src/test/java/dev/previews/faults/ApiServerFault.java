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
 * Fault 3: kube-apiserver stopped and started again, and frozen (SIGSTOP) for 20 s, while the load goes
 * on. The operator cannot renew its Lease meanwhile and may exit (it does when it cannot keep it); a
 * kubelet would start it again, and so does the tier, 10 s later.
 */
@FaultTier
class ApiServerFault {
    static final Duration DOWN = Duration.ofSeconds(15);
    static final Duration FROZEN = Duration.ofSeconds(20);
    /** A kubelet's first restart delay (CrashLoopBackOff starts at 10 s). */
    static final Duration RESTART_AFTER = Duration.ofSeconds(10);

    @Test
    void stoppedAndStartedAgain(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "apiserver-stop", List.of(THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            operator.supervise(RESTART_AFTER);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            Thread.sleep(3000 + new Random(s.load.seed()).nextInt(4000)); // the fault lands amid the work
            List<String> command = cluster.plane().stop(Component.API_SERVER, false);
            Instant stopped = Instant.now();
            Thread.sleep(DOWN.toMillis()); // the fault: no API server
            cluster.plane().start(Component.API_SERVER, command);
            s.report.fault("kube-apiserver stopped (SIGTERM) for " + FaultReport.seconds(DOWN)
                    + " during the load, then started with the same command line (serving again "
                    + FaultReport.seconds(Duration.between(stopped, Instant.now())) + " after the stop)");
            s.afterFault(operator);
        }
    }

    @Test
    void frozenFor20Seconds(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "apiserver-freeze", List.of(THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            operator.supervise(RESTART_AFTER);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            Thread.sleep(3000 + new Random(s.load.seed()).nextInt(4000)); // the fault lands amid the work
            cluster.plane().signal(Component.API_SERVER, "STOP");
            try {
                Thread.sleep(
                        FROZEN.toMillis()); // the fault: an API server that accepts connections and answers nothing
            } finally {
                cluster.plane().signal(Component.API_SERVER, "CONT");
            }
            cluster.plane().awaitServing(Component.API_SERVER, Duration.ofSeconds(60));
            s.report.fault("kube-apiserver frozen (SIGSTOP) for " + FaultReport.seconds(FROZEN)
                    + " during the load, then thawed (SIGCONT)");
            s.afterFault(operator);
        }
    }
}
