package dev.previews.faults;

import static dev.previews.faults.FaultCluster.FOUR;
import static dev.previews.faults.FaultCluster.THREE;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fault 6: a broken network between the operator and the API server, played by its proxy on loopback,
 * one fault after another while the load goes on: every connection reset; every answer delayed by
 * seconds; every watch cut mid-stream a few seconds after it starts; a fifth of the requests answered
 * 429, 500 or (to an update) 409 by the proxy itself; and a black hole that lets nothing through. The
 * operator may lose its Lease meanwhile and exit; it is started again 10 s later, as a kubelet would.
 */
@FaultTier
class NetworkFault {
    static final Duration EACH = Duration.ofSeconds(10);

    @Test
    void resetsDelaysCutWatchesErrorAnswersAndABlackHole(FaultCluster cluster) throws InterruptedException {
        try (Scenario s = Scenario.start(cluster, "network", List.of(THREE, FOUR))) {
            OperatorReplica operator = s.replica("operator-0", true);
            operator.supervise(ApiServerFault.RESTART_AFTER);
            s.load.burst(8);
            s.load.churn(Duration.ofMillis(300));
            List<ApiProxy.Fault> faults = List.of(
                    new ApiProxy.Refuse(),
                    new ApiProxy.Delay(Duration.ofSeconds(3)),
                    new ApiProxy.CutWatches(Duration.ofSeconds(2)),
                    new ApiProxy.Answer(0.2, List.of(429, 500, 409)),
                    new ApiProxy.Blackhole());
            for (ApiProxy.Fault f : faults) {
                operator.proxy().fault(f);
                Thread.sleep(EACH.toMillis()); // the fault lasts this long
                operator.proxy().heal();
                Thread.sleep(2000); // the network works for a moment in between
            }
            s.report.fault("through the operator's proxy, " + FaultReport.seconds(EACH)
                    + " each, 2 s apart: every connection reset; every answer delayed 3 s; every watch cut 1-3 s"
                    + " after it started; 20 % of requests answered 429, 500 or 409 (to updates); a black hole");
            s.afterFault(operator);
        }
    }
}
