package dev.previews.ci;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `wake`: bring an asleep preview's backend back, or provision an expired one again. */
@Command(
        name = "wake",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Wake a preview that sleeps (or provision an expired one again) and wait until it is Ready.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Gives the preview's annotation previews.dev/wake a new value. An asleep preview",
            "(scaled to zero after its plan's sleepAfter without activity, or outside its",
            "awake hours) gets its backend back, without seeding again; an expired one",
            "(expiry policy Deprovision) is provisioned again, with a fresh TTL, and seeded.",
            "Waits until the preview is Ready and prints its URL. A wake is activity: the",
            "preview sleeps again only after its plan's sleepAfter without another one."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the preview is Ready (with --no-wait: the wake is written)",
            "1:no kubeconfig, cluster unreachable, permission denied or CRD not installed",
            "2:invalid input",
            "3:provisioning failed",
            "4:the seed failed (an expired preview is seeded again)",
            "5:deployment limit reached (an expired preview needs a slot again)",
            "6:timed out (--timeout)",
            "8:no such preview",
            "9:the operator cannot act on the preview: the API server refuses its requests"
        })
public final class WakeCommand extends CiCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Name of the preview.")
    String name;

    @Option(
            order = 1,
            names = {"-b", "--branch"},
            paramLabel = "BRANCH",
            description = "Wake the preview of this branch instead.")
    String branch;

    @Option(order = 2, names = "--no-wait", description = "Write the wake and return at once.")
    boolean noWait;

    @Option(
            order = 3,
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "How long to wait until the preview is Ready (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            order = 4,
            names = "--poll-interval",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "How often to read the preview while waiting (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Override
    protected int run() throws InterruptedException {
        Locate.Target target = Locate.target(name, branch, terminal);
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            String namespace = cluster.namespace();
            PreviewDeployment found = Locate.one(store, namespace, target);
            String preview = found.getMetadata().getName();
            String wake = WakeValue.next(found, terminal.clock().instant());
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("metadata").putObject("annotations").put(PreviewDeployment.WAKE_ANNOTATION, wake);
            PreviewDeployment woken = store.mergePatch(namespace, preview, patch);
            say("asked preview " + preview + " to wake (" + PreviewDeployment.WAKE_ANNOTATION + "=" + wake + ")");
            if (noWait) return ExitCodes.OK;

            long generation = Objects.requireNonNullElse(woken.getMetadata().getGeneration(), 0L);
            Instant deadline = terminal.clock().instant().plus(timeout);
            DeployVerdict last = null;
            while (true) {
                PreviewDeployment p = store.get(namespace, preview);
                if (p == null) throw CliFailure.error("preview " + preview + " was deleted while waiting for it");
                last = DeployVerdict.of(p, generation, p.getSpec().getCommit(), null, wake, false);
                if (last.failure() != null) throw last.failure();
                if (last.state() == DeployVerdict.State.READY) {
                    out().println(DeployVerdict.url(p));
                    return ExitCodes.OK;
                }
                if (!terminal.clock().instant().isBefore(deadline)) {
                    throw new CliFailure(
                            ExitCodes.TIMEOUT,
                            "timed out after " + DurationFormat.of(timeout) + " waiting for preview " + preview
                                    + " to be Ready (last: " + last.summary() + ")");
                }
                Thread.sleep(Math.max(1, pollInterval.toMillis()));
            }
        }
    }
}
