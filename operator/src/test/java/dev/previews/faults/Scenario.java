package dev.previews.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault scenario's set-up and verdict: namespaces on small plans, the invariant checker watching
 * them from the start, the load, the operator processes, and at the end convergence (measured), the
 * violations (none allowed), the figures, and the clean-up.
 */
final class Scenario implements AutoCloseable {
    /**
     * The most a scenario may take to converge once its fault is over (measured; a slow, shared machine).
     * {@code -Dfaults.convergenceBound=PT1M} shortens it, to try deliberate bugs quickly.
     */
    static final Duration CONVERGENCE_BOUND = Duration.parse(System.getProperty("faults.convergenceBound", "PT3M"));

    final FaultCluster cluster;
    final String name;
    final Map<String, Integer> limits = new LinkedHashMap<>();
    final RequestLog requests = new RequestLog();
    final Invariants invariants;
    final Load load;
    final FaultReport report;
    private final List<OperatorReplica> replicas = new ArrayList<>();

    private Scenario(FaultCluster cluster, String name, List<Plan> plans, long seed) {
        this.cluster = cluster;
        this.name = name;
        this.report = new FaultReport(name);
        for (Plan plan : plans) {
            limits.put(cluster.namespace(name, plan), plan.maxPreviews());
        }
        this.invariants = new Invariants(cluster.admin(), limits);
        this.load = new Load(FaultCluster.client(1), List.copyOf(limits.keySet()), seed);
    }

    static Scenario start(FaultCluster cluster, String name, List<Plan> plans) {
        long seed = Long.getLong("faults.seed", System.nanoTime() % 100_000);
        return new Scenario(cluster, name, plans, seed);
    }

    List<String> namespaces() {
        return List.copyOf(limits.keySet());
    }

    /** An operator process (through its own proxy), started and ready. */
    OperatorReplica replica(String identity, boolean leaderElection) {
        OperatorReplica r = OperatorReplica.start(cluster, identity, leaderElection, requests);
        replicas.add(r);
        r.awaitReady(Duration.ofSeconds(60));
        return r;
    }

    /**
     * Stops the load, waits until every namespace has converged (bounded by {@link #CONVERGENCE_BOUND})
     * and returns how long that took from the call: the convergence time after the fault.
     */
    Duration converge() {
        load.stop();
        Instant from = Instant.now();
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            await(name + ": every preview converged")
                    .atMost(CONVERGENCE_BOUND)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!invariants.violations().isEmpty()) return true; // failed already: no use waiting
                        List<String> problems = new ArrayList<>();
                        limits.forEach((ns, limit) -> Convergence.problems(cluster.admin(), ns, limit)
                                .forEach(p -> problems.add(ns + ": " + p)));
                        last.set(problems);
                        return problems.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            dumpState();
            throw new AssertionError(
                    name + ": not converged " + FaultReport.seconds(CONVERGENCE_BOUND) + " after the fault ended: "
                            + String.join("\n  ", last.get()),
                    e);
        }
        if (!invariants.violations().isEmpty()) {
            throw new AssertionError(name + ": invariants broken:\n  "
                    + String.join(
                            "\n  ",
                            invariants.violations().stream()
                                    .map(Violation::toString)
                                    .toList()));
        }
        Duration took = Duration.between(from, Instant.now());
        report.figure("convergence after the fault", FaultReport.seconds(took));
        return took;
    }

    /**
     * The common end of a scenario whose fault is over: the load goes on for a few seconds more (changes
     * right after a fault are the ones most likely lost), then stops; convergence is measured and the
     * checker's verdict given.
     */
    void afterFault(OperatorReplica... operators) throws InterruptedException {
        Thread.sleep(5000); // the load after the fault
        converge();
        int exits = 0;
        for (OperatorReplica r : operators) exits += r.exits();
        report.figure("operator exits (restarted like a kubelet would)", String.valueOf(exits));
        verdict();
    }

    /** The checker's verdict (after a last settle) and the scenario's figures. */
    void verdict() {
        List<Violation> violations = invariants.finish();
        report.figure("load", load.summary());
        report.figure(
                "invariants",
                invariants.checked() + " watch events checked in revision order (" + invariants.late()
                        + " late; " + invariants.history().relisted()
                        + " of them from the checker's own relists, not judged for slots and branches), "
                        + invariants.history().seedJobs() + " seed Jobs, peak admitted / limit per namespace "
                        + limits.keySet().stream()
                                .map(ns ->
                                        invariants.history().peakAdmitted().getOrDefault(ns, 0) + "/" + limits.get(ns))
                                .toList()
                        + ", "
                        + violations.size() + " violations");
        report.figure(
                "requests",
                requests.all().size() + " (by replica " + requests.countByReplica() + "), " + requests.failed()
                        + " failed, " + requests.retried() + " retried, " + requests.injected()
                        + " answered by the proxy, "
                        + (requests.expiredWatches()
                                + requests.where(x -> x.isWatch() && x.code == 410)
                                        .size())
                        + " watches ended by 410 Gone (then relisted)");
        report.write(cluster.work());
        assertThat(violations).as(name + ": invariant violations").isEmpty();
    }

    /** The namespaces' objects, to target/faults/NAME-state.txt. */
    void dumpState() {
        List<String> lines = new ArrayList<>();
        limits.keySet().forEach(ns -> {
            lines.add("== " + ns);
            lines.addAll(Convergence.describe(cluster.admin(), ns));
        });
        try {
            java.nio.file.Files.write(cluster.work().resolve(name + "-state.txt"), lines);
        } catch (java.io.IOException e) {
            System.err.println("[faults] cannot write the state: " + e);
        }
    }

    @Override
    public void close() {
        load.stop();
        try {
            // every request of the operator processes, for a look after a failure
            java.nio.file.Files.write(
                    cluster.work().resolve(name + "-requests.log"),
                    requests.all().stream().map(Object::toString).toList());
        } catch (java.io.IOException e) {
            System.err.println("[faults] cannot write the request log: " + e);
        }
        for (OperatorReplica r : replicas) {
            r.close();
        }
        invariants.close();
        cluster.deleteNamespaces(namespaces());
    }
}
