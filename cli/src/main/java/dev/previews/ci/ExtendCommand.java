package dev.previews.ci;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.Durations;
import dev.previews.spec.Timestamps;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `extend`: keep a preview longer without pushing: raises its spec.ttl. */
@Command(
        name = "extend",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Keep a preview longer: raise its spec.ttl and print the new expiry.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Raises the preview's spec.ttl (its lifetime from the creation of its current",
            "deployment) and prints the expiresAt the operator computes. --by 2d adds two",
            "days to the current lifetime; --to 7d sets it to seven days. The plan's maxTtl",
            "caps it: a longer one is capped, and the command says so. GitOps users write",
            "spec.ttl in their manifest instead."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:extended (or capped at the plan's maxTtl, which it says)",
            "1:no kubeconfig, cluster unreachable, permission denied or CRD not installed",
            "2:invalid input, or the preview has no deployment to extend (expired: wake it or push)",
            "6:the operator did not report the new expiry within --timeout",
            "8:no such preview"
        })
public final class ExtendCommand extends CiCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Name of the preview.")
    String name;

    @Option(
            order = 1,
            names = {"-b", "--branch"},
            paramLabel = "BRANCH",
            description = "Extend the preview of this branch instead.")
    String branch;

    @ArgGroup(exclusive = true, multiplicity = "1")
    By by;

    static final class By {
        @Option(
                names = "--by",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Add this to the current lifetime (e.g. 2d, 36h).")
        Duration more;

        @Option(
                names = "--to",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Set the lifetime to this, counted from the deployment's creation (e.g. 7d).")
        Duration total;
    }

    @Option(
            order = 3,
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the operator to report the new expiry (default: ${DEFAULT-VALUE}).")
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
            PreviewDeployment p = Locate.one(store, namespace, target);
            String preview = p.getMetadata().getName();
            var status = p.getStatus();
            if (status == null
                    || status.getCreatedAt() == null
                    || status.getExpiresAt() == null
                    || status.getPhase() == Phase.Expired) {
                throw CliFailure.invalid("preview " + preview + " has no deployment to extend"
                        + (status != null && status.getPhase() == Phase.Expired
                                ? ": it expired; wake it (preview wake " + preview + ") or push a new commit"
                                : " yet: wait until it is provisioned"));
            }
            Instant createdAt = Timestamps.parse(status.getCreatedAt());
            Instant expiresAt = Timestamps.parse(status.getExpiresAt());
            Duration lifetime = by.total != null
                    ? by.total
                    : Duration.between(createdAt, expiresAt).plus(by.more);
            String ttl = SpecTtl.of(lifetime);
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("spec").put("ttl", ttl);
            long generation =
                    store.mergePatch(namespace, preview, patch).getMetadata().getGeneration();
            say("spec.ttl of preview " + preview + " is now " + ttl);

            Instant deadline = terminal.clock().instant().plus(timeout);
            while (true) {
                PreviewDeployment now = store.get(namespace, preview);
                if (now == null)
                    throw new CliFailure(ExitCodes.NOT_FOUND, "preview " + preview + " was deleted meanwhile");
                var s = now.getStatus();
                if (s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= generation) {
                    Instant newExpiry = Timestamps.parse(s.getExpiresAt());
                    Instant asked = createdAt.plus(Durations.parse(ttl));
                    if (newExpiry.isBefore(asked)) {
                        say("capped: plan " + s.getPlan() + " lets a preview live at most "
                                + Durations.format(Duration.between(createdAt, newExpiry)));
                    }
                    out().println(s.getExpiresAt());
                    return ExitCodes.OK;
                }
                if (!terminal.clock().instant().isBefore(deadline)) {
                    throw new CliFailure(
                            ExitCodes.TIMEOUT,
                            "spec.ttl is set, but the operator has not reported the new " + "expiry within "
                                    + DurationFormat.of(timeout) + ": is it running?");
                }
                Thread.sleep(Math.max(1, pollInterval.toMillis()));
            }
        }
    }
}
