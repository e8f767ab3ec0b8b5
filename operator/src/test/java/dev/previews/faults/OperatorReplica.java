package dev.previews.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One operator process as the image runs it ({@code java -jar preview-operator.jar run}), with the
 * operator's ServiceAccount token, reaching the API server through its own {@link ApiProxy}: a
 * replica the tier can kill (SIGKILL), freeze (SIGSTOP), thaw (SIGCONT) and start again under the
 * same identity, as a container restarted in its pod. Its output goes to {@code target/faults/}.
 */
final class OperatorReplica implements AutoCloseable {
    static final Path JAR = Path.of("target/preview-operator.jar").toAbsolutePath();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String identity;
    private final FaultCluster cluster;
    private final boolean leaderElection;
    private final ApiProxy proxy;
    private final Path kubeconfig;
    private final Path output;
    private Process process;
    private int managementPort;
    private int starts;
    private volatile Thread supervisor;
    private volatile int exits;

    private OperatorReplica(FaultCluster cluster, String identity, boolean leaderElection, RequestLog log) {
        this.cluster = cluster;
        this.identity = identity;
        this.leaderElection = leaderElection;
        this.proxy = ApiProxy.start(identity, cluster.plane(), log);
        this.kubeconfig = cluster.work().resolve(identity + ".kubeconfig");
        this.output = cluster.work().resolve(identity + ".log");
        cluster.writeOperatorKubeconfig(kubeconfig, proxy.port());
    }

    /** A replica, started; with leader election it may stand by. */
    static OperatorReplica start(FaultCluster cluster, String identity, boolean leaderElection, RequestLog log) {
        OperatorReplica r = new OperatorReplica(cluster, identity, leaderElection, log);
        r.start();
        return r;
    }

    ApiProxy proxy() {
        return proxy;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    /** Starts the process (again, after a kill), under the same identity, as a container restart does. */
    synchronized void start() {
        if (alive()) throw new IllegalStateException(identity + " is running");
        managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the image's flags (Dockerfile), with a heap bound fit for several JVMs on 2 cores
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData",
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString(),
                "run",
                "--config",
                cluster.operatorConfig().toString(),
                "--management-port",
                String.valueOf(managementPort)));
        if (leaderElection) {
            command.addAll(List.of("--leader-election", "--lease-name", FaultCluster.LEASE_NAME));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("POD_NAMESPACE", FaultCluster.OPERATOR_NAMESPACE);
        pb.environment().put("HOSTNAME", identity);
        try {
            Files.writeString(
                    output,
                    "---- " + Instant.now() + " start " + (starts + 1) + " of " + identity + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the operator " + identity, e);
        }
    }

    /** Waits until /readyz answers 200 (leader or standby: the informers are synced). */
    void awaitReady(Duration atMost) {
        await(identity + " ready")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    if (!alive()) throw new AssertionError(identity + " exited: " + tail());
                    return readiness().startsWith("ready");
                });
    }

    /** The body of /readyz ("ready: leader (a)", "ready: standby (b), leader: a", ...). */
    String readiness() throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body()
                .trim();
    }

    /** kill -9: no shutdown hook, no lease released, requests cut wherever they were. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(20));
    }

    /**
     * From now on, starts the process again this long after it exits on its own, as a kubelet restarts
     * a container (the operator exits when it cannot keep its Lease, and counts on that). Not after the
     * tier's own kills, which restart it themselves.
     */
    void supervise(Duration after) {
        Thread t = new Thread(
                () -> {
                    while (supervisor == Thread.currentThread()) {
                        Process p = process;
                        try {
                            p.waitFor();
                            Thread.sleep(after.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                        synchronized (this) {
                            if (supervisor == Thread.currentThread() && process == p && !alive()) {
                                exits++;
                                start();
                            }
                        }
                    }
                },
                "supervisor-" + identity);
        t.setDaemon(true);
        supervisor = t;
        t.start();
    }

    /** How many times the process exited on its own and was started again. */
    int exits() {
        return exits;
    }

    /** kill -9 without waiting (from the proxy's event loop, say); {@link #awaitExit} waits. */
    void killNow() {
        process.destroyForcibly();
    }

    void freeze() {
        Signals.send(process.pid(), "STOP");
    }

    void thaw() {
        Signals.send(process.pid(), "CONT");
    }

    /** SIGTERM, as a pod's deletion: the operator stops cleanly. */
    void terminate() {
        if (!alive()) return;
        process.destroy();
        awaitExit(Duration.ofSeconds(40));
    }

    boolean awaitExit(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines the process printed. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    Path output() {
        return output;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Thread t = supervisor;
        supervisor = null;
        if (t != null) t.interrupt();
        try {
            if (alive()) {
                thaw(); // a frozen process cannot act on SIGTERM
                terminate();
            }
            if (alive()) kill();
        } finally {
            proxy.close();
        }
    }
}
