package dev.previews.devtools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.previews.sandbox.Sandbox;
import dev.previews.sandbox.SandboxDemo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `sandbox`: the embedded default, an in-process API with the operator and simulated workloads. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = {
            "Run the embedded sandbox: a Kubernetes API, the operator and simulated workloads in one process.",
            "%nStarts an in-process Kubernetes API (fabric8's mock server) on localhost with the PreviewDeployment "
                    + "CRD installed, runs the operator against it, simulates workloads (Deployments become available, "
                    + "seed Jobs finish; a seed fails when its env has SANDBOX_SEED_RESULT=fail) and writes a "
                    + "kubeconfig for kubectl and other clients. With --demo it walks a scripted lifecycle and exits 0; "
                    + "otherwise it runs until interrupted.%n"
        })
public final class SandboxCommand implements Callable<Integer> {
    @Option(names = "--demo", description = "Walk the scripted lifecycle, print the table of previews, and exit.")
    boolean demo;

    @Option(
            names = "--port",
            defaultValue = "0",
            description = "Port of the API on 127.0.0.1 (default: any free port).")
    int port;

    @Option(
            names = "--kubeconfig",
            defaultValue = "target/sandbox-kubeconfig",
            description = "Where to write the kubeconfig for kubectl and other clients (default: ${DEFAULT-VALUE}).")
    Path kubeconfig;

    @Option(
            names = "--simulate",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Simulate workloads (default: on). --no-simulate leaves Deployments and Jobs as they are.")
    boolean simulate;

    @Option(
            names = "--simulator-delay",
            defaultValue = "800ms",
            converter = DurationConverter.class,
            description = "How long simulated Deployments and seeds take (default: ${DEFAULT-VALUE}).")
    Duration simulatorDelay;

    @Option(
            names = "--step-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long the demo waits for each step (default: ${DEFAULT-VALUE}).")
    Duration stepTimeout;

    @Option(
            names = {"-v", "--verbose"},
            description = "Show the operator's log lines during the demo.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        if (demo && !verbose) {
            root.setLevel(Level.ERROR); // the table is the demo's output; the operator's log lines would bury it
        }
        try {
            return runSandbox();
        } finally {
            root.setLevel(level);
        }
    }

    private int runSandbox() throws Exception {
        Sandbox.Options options = Sandbox.Options.defaults().withPort(port).withSimulation(simulate, simulatorDelay);
        if (demo) {
            options = options.withConfig(SandboxDemo.config());
        }
        Sandbox started;
        try {
            started = Sandbox.start(options);
        } catch (IllegalStateException e) {
            // e.g. the port is taken: one line, not a stack trace
            System.err.println("sandbox: " + e.getMessage());
            return 1;
        }
        try (Sandbox sandbox = started) {
            Path written = sandbox.writeKubeconfig(kubeconfig);
            System.out.println("sandbox API at " + sandbox.url() + " (kubeconfig: " + written + ")");
            if (demo) {
                boolean ok = new SandboxDemo(sandbox.client(), System.out, stepTimeout).run();
                return ok ? 0 : 1;
            }
            System.out.println("operator running; workloads " + (simulate ? "simulated" : "not simulated")
                    + ". Press Ctrl-C to stop.");
            System.out.println("kubectl: export KUBECONFIG=" + written + "; kubectl apply -f examples/preview.yaml");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            return 0;
        }
    }
}
