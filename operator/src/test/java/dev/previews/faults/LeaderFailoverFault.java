package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault 2: two operator processes with leader election on (the real Lease, the operator's default
 * timings: 15 s lease, 10 s renew deadline, 750 ms retry period; see LeaseTimings). The leader is killed and the standby
 * takes over; then the new leader is frozen (SIGSTOP) past its lease, the other takes over, and the
 * frozen one, thawed, must not write anything before it gives up. All along, a replica writes only
 * while it holds the Lease.
 */
@FaultTier
class LeaderFailoverFault {
    static final Duration LEASE = Duration.ofSeconds(15);
    /**
     * The target: the lease duration plus 2 s from the kill to the standby's acquisition (the default
     * timings promise 16.65 s at most: LeaseTimings.worstCaseTakeover).
     */
    static final Duration FAILOVER_TARGET = LEASE.plusSeconds(2);
    /** A preview created during the failover is reconciled this soon after the takeover. */
    static final Duration FIRST_RECONCILE_TARGET = Duration.ofSeconds(5);

    @Test
    void theStandbyTakesOverAndAFrozenLeaderStopsBeforeItWrites(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "failover", List.of(THREE, FOUR))) {
            Leadership leadership = new Leadership(s.requests);
            Random random = new Random(s.load.seed());
            OperatorReplica a = s.replica("replica-a", true);
            leadership.awaitAcquired("replica-a", Instant.EPOCH, Duration.ofSeconds(60));
            OperatorReplica b = s.replica("replica-b", true);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            Thread.sleep(3000 + random.nextInt(5000)); // the fault's timing: the kill lands amid the work

            a.kill();
            Instant killed = Instant.now();
            String ns = s.namespaces().get(0);
            String during = s.load.createOne(ns);
            Instant takeover = leadership.awaitAcquired("replica-b", killed, LEASE.multipliedBy(3));
            Duration failover = Duration.between(killed, takeover);
            await("first reconcile of " + during + " by replica-b")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> leadership
                            .firstWrite("replica-b", killed, "/" + during + "/status")
                            .isPresent());
            Duration firstReconcile = Duration.between(
                    takeover,
                    leadership
                            .firstWrite("replica-b", killed, "/" + during + "/status")
                            .orElseThrow());
            assertThat(lease(s).getSpec().getHolderIdentity()).isEqualTo("replica-b");
            a.start(); // a container restart: standby, as replica-b holds the Lease
            a.awaitReady(Duration.ofSeconds(60));
            Thread.sleep(2000 + random.nextInt(4000)); // the fault's timing again

            b.freeze();
            Instant frozen = Instant.now();
            Instant takeover2 = leadership.awaitAcquired("replica-a", frozen, LEASE.multipliedBy(3));
            // keep it frozen while the new leader works: a pause (GC, a throttled CPU, a suspended VM) past the lease
            Thread.sleep(3000);
            b.thaw();
            Instant thawed = Instant.now();
            assertThat(b.awaitExit(Duration.ofSeconds(60)))
                    .as("replica-b, thawed without the Lease, stops")
                    .isTrue();
            List<RequestLog.Exchange> stale = leadership.workAfter("replica-b", thawed);
            b.start();
            b.awaitReady(Duration.ofSeconds(60));

            s.report.fault("kill -9 of the leader (standby takes over); SIGSTOP of the new leader for "
                    + FaultReport.seconds(Duration.between(frozen, thawed)) + " (past its 15 s lease), then SIGCONT");
            s.report.figure(
                    "failover",
                    "kill to the standby's acquisition " + FaultReport.seconds(failover) + " (target "
                            + FaultReport.seconds(FAILOVER_TARGET) + "); freeze to the other's acquisition "
                            + FaultReport.seconds(Duration.between(frozen, takeover2))
                            + "; a preview created during the failover first reconciled "
                            + FaultReport.seconds(firstReconcile) + " after the takeover");
            s.report.figure("writes of the thawed leader", stale.size() + " " + stale);
            s.converge();
            List<String> duplicate = leadership.workOutsideTenure();
            s.report.figure("writes outside the writer's tenure", String.valueOf(duplicate.size()));
            s.verdict();
            assertThat(stale)
                    .as("writes of the frozen leader after it was thawed")
                    .isEmpty();
            assertThat(duplicate)
                    .as("writes by a replica that did not hold the Lease")
                    .isEmpty();
            assertThat(failover).as("failover").isLessThanOrEqualTo(FAILOVER_TARGET);
            assertThat(firstReconcile)
                    .as("first reconcile after the takeover")
                    .isLessThanOrEqualTo(FIRST_RECONCILE_TARGET);
        }
    }

    private static Lease lease(Scenario s) {
        return s.cluster
                .admin()
                .leases()
                .inNamespace(FaultCluster.OPERATOR_NAMESPACE)
                .withName(FaultCluster.LEASE_NAME)
                .get();
    }
}
