package dev.previews.faults;

import static dev.previews.faults.FaultCluster.THREE;
import static dev.previews.faults.FaultCluster.TWO;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fault 7: a burst far past the limit in several namespaces at once, by three clients in parallel (a
 * monorepo's CI pushing many branches), with previews deleted concurrently while the operator admits:
 * the hunt for admission races. Slots must never be over-given, a freed slot must go to the oldest
 * waiting preview, and a branch must never run twice.
 */
@FaultTier
class AdmissionBurstFault {
    @Test
    void aBurstPastTheLimitWithConcurrentDeletions(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "burst", List.of(TWO, TWO, THREE, THREE))) {
            OperatorReplica operator = s.replica("operator-0", true);
            Load second = new Load(FaultCluster.client(1), s.namespaces(), s.load.seed() + 1, "pq-");
            Load third = new Load(FaultCluster.client(1), s.namespaces(), s.load.seed() + 2, "ps-");
            Thread[] bursts = {
                new Thread(() -> s.load.burst(10)),
                new Thread(() -> second.burst(10)),
                new Thread(() -> third.burst(10))
            };
            for (Thread t : bursts) t.start();
            for (Thread t : bursts) t.join(120_000);
            // deletions, pushes and creations from three clients at once while the operator admits
            s.load.churn(Duration.ofMillis(150));
            second.churn(Duration.ofMillis(150));
            third.churn(Duration.ofMillis(150));
            Thread.sleep(30_000); // the fault: three clients churning past the limit
            second.stop();
            third.stop();
            s.report.fault(
                    "3 clients in parallel: a burst of 10 previews each in each of 4 namespaces (limits 2, 2, 3, 3),"
                            + " then 30 s of creations, deletions, pushes and reseeds every 75-225 ms from each");
            s.report.figure("other clients' load", second.summary() + "; " + third.summary());
            s.converge();
            s.verdict();
        }
    }
}
