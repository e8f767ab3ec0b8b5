package dev.previews.ci;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the CI commands share: the cluster options, stdout for results and stderr for progress and
 * errors (picocli's writers, so that tests capture them), and the rule that an expected failure is
 * one message and an exit code, never a stack trace.
 */
public abstract class CiCommand implements Callable<Integer> {
    /** Set by {@link Cli}'s factory in tests; the real environment otherwise. */
    Terminal terminal = Terminal.system();

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions clusterOptions = new ClusterOptions();

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A line of progress or information on stderr. */
    protected void say(String line) {
        err().println("preview: " + line);
        err().flush();
    }

    @Override
    public final Integer call() {
        quietLibraries(clusterOptions.verbose);
        try {
            return run();
        } catch (CliFailure f) {
            err().println("preview: error: " + f.getMessage());
            return f.exitCode();
        } catch (KubernetesClientException e) {
            err().println("preview: error: the Kubernetes API failed: " + Failures.serverMessage(e) + verboseHint(e));
            return ExitCodes.ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err().println("preview: interrupted");
            return ExitCodes.ERROR;
        } catch (Exception e) {
            err().println("preview: error: unexpected " + e + verboseHint(e));
            return ExitCodes.ERROR;
        } finally {
            out().flush();
            err().flush();
        }
    }

    private String verboseHint(Exception e) {
        if (clusterOptions.verbose) {
            e.printStackTrace(err());
            return "";
        }
        return " (run with --verbose for details)";
    }

    protected abstract int run() throws Exception;

    protected Cluster connect() {
        return Cluster.connect(clusterOptions, terminal);
    }

    protected String namespace(Cluster cluster) {
        return cluster.namespace();
    }

    /**
     * Library log lines (the Kubernetes client's notes on API versions, retries) only with --verbose.
     * slf4j-simple reads a logger's level when the logger is made, which is after this: the client's
     * classes are loaded when the command connects.
     */
    private static void quietLibraries(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.log.io.fabric8", verbose ? "debug" : "error");
    }
}
