package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Deleting previews and waiting until they are gone: shared by delete and prune. */
final class Deletion {
    @Option(order = 40, names = "--no-wait", description = "Return once the deletions are requested.")
    boolean noWait;

    @Option(
            order = 41,
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description = "How long to wait until the previews are gone (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            order = 42,
            names = "--poll-interval",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "How often to check (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    /**
     * Deletes the previews (Kubernetes removes what they own) and waits until they are gone; prints
     * one line per deleted preview on stdout. Fails with the timeout code when one is still there.
     */
    void delete(CiCommand command, PreviewStore store, List<PreviewDeployment> previews) throws InterruptedException {
        Instant deadline = command.terminal.clock().instant().plus(timeout);
        List<PreviewDeployment> requested = new ArrayList<>();
        for (PreviewDeployment p : previews) {
            if (store.delete(p.getMetadata().getNamespace(), p.getMetadata().getName())) {
                requested.add(p);
            }
        }
        for (PreviewDeployment p : requested) {
            String ns = p.getMetadata().getNamespace();
            String name = p.getMetadata().getName();
            if (!noWait && !Waits.gone(store, ns, name, deadline, pollInterval, command.terminal.clock())) {
                throw new CliFailure(
                        ExitCodes.TIMEOUT,
                        "preview " + name + " in namespace " + ns + " is still there after "
                                + DurationFormat.of(timeout)
                                + " (a finalizer of another controller?); see: preview status " + name + " -n " + ns);
            }
            command.out()
                    .println((noWait ? "deleting" : "deleted") + " preview " + name + " (branch " + branch(p) + ")");
        }
    }

    static String branch(PreviewDeployment p) {
        return p.getSpec() == null ? "?" : p.getSpec().getBranch();
    }
}
