package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault 1: the operator process killed with SIGKILL at random points of a burst, several times, and
 * started again under the same identity (a container restarted in its pod): no shutdown hook, the
 * Lease not released, requests cut wherever they were, statuses not written.
 */
@FaultTier
class OperatorKillFault {
    static final int KILLS = 5;

    @Test
    void killedAtRandomPointsOfABurstAndRestarted(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "kill", List.of(THREE, THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            Random random = new Random(s.load.seed());
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            List<String> restarts = new ArrayList<>();
            for (int i = 0; i < KILLS; i++) {
                // the fault's timing: each kill lands at a random point of the operator's work
                Thread.sleep(1000 + random.nextInt(5000));
                operator.kill();
                restarts.add(restart(operator));
            }
            // and at the worst points: a child or a seed Job created, the operator killed before it hears so
            for (String kind : List.of("deployments", "deployments", "jobs", "jobs")) {
                operator.proxy().trap(x -> x.method.equals("POST") && x.path.endsWith("/" + kind), operator::killNow);
                await("a POST of " + kind + " to kill the operator on")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !operator.proxy().trapArmed());
                operator.awaitExit(Duration.ofSeconds(20));
                restarts.add(restart(operator));
            }
            s.report.fault(
                    KILLS + " × kill -9 of the operator at random points of the load, and 4 × right after the API"
                            + " server created a Deployment (2) or a seed Job (2) and before the operator heard so; each"
                            + " restarted at once");
            s.report.figure("restart to ready", String.join(", ", restarts));
            s.converge();
            s.verdict();
        }
    }

    private static String restart(OperatorReplica operator) {
        Instant killed = Instant.now();
        operator.start();
        operator.awaitReady(Duration.ofSeconds(60));
        return FaultReport.seconds(Duration.between(killed, Instant.now()));
    }
}
