package dev.previews.ci;

import dev.previews.api.Conditions;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.RolloverPhase;
import dev.previews.api.RolloverStatus;
import dev.previews.spec.PreviewNames;
import java.util.List;
import java.util.Objects;

/**
 * Where a preview stands for the commit and generation `deploy` (or `wake`) wrote, with the line to
 * show for it and, when it failed, the failure and its exit code. Pure function of the preview read
 * from the API.
 */
record DeployVerdict(DeployVerdict.State state, String summary, CliFailure failure) {

    enum State {
        NOT_OBSERVED,
        PROVISIONING,
        PROVISIONED,
        READY,
        FAILED
    }

    /** Where the preview stands, read from the API. */
    static DeployVerdict of(
            PreviewDeployment p,
            long generation,
            String commit,
            String staleSeedJob,
            String wake,
            boolean waitForSlot) {
        var s = p.getStatus();
        if (s == null || s.getObservedGeneration() == null || s.getObservedGeneration() < generation) {
            return new DeployVerdict(
                    State.NOT_OBSERVED, "Pending: waiting for the operator to pick up the change", null);
        }
        if (wake != null
                && (s.getActivity() == null || !wake.equals(s.getActivity().getWake()))) {
            return new DeployVerdict(State.NOT_OBSERVED, "Pending: waiting for the operator to wake the preview", null);
        }
        String phase = s.getPhase() == null ? "Pending" : s.getPhase().name();
        String readyMessage =
                s.condition(Conditions.READY).map(c -> c.getMessage()).orElse("");
        String summary = phase + (readyMessage.isBlank() ? "" : ": " + firstLine(readyMessage));
        var provisioned = s.condition(Conditions.PROVISIONED).orElse(null);
        String name = p.getMetadata().getName();
        if (Conditions.Ready.RECONCILE_ERROR.equals(s.reason(Conditions.READY))) {
            return new DeployVerdict(
                    State.FAILED,
                    summary,
                    new CliFailure(
                            ExitCodes.OPERATOR_REFUSED,
                            "the operator cannot act on preview " + name + ": " + readyMessage
                                    + ".\nIt tries again by itself; whoever runs it can check its permissions and the namespace's quota.",
                            "the operator cannot act on the preview: " + firstLine(readyMessage)));
        }
        RolloverStatus next = s.getNext();
        if (next != null && commit.equals(next.getCommit())) {
            return rollover(p, next, summary);
        }
        if (provisioned != null && Conditions.FALSE.equals(provisioned.getStatus())) {
            String reason = Objects.requireNonNullElse(provisioned.getReason(), "");
            String message = provisioned.getMessage();
            CliFailure failure = switch (reason) {
                case Conditions.Provisioned.INVALID_SPEC ->
                    CliFailure.invalid("the operator refused preview " + name + ": " + message);
                case Conditions.Provisioned.BRANCH_CONFLICT -> CliFailure.invalid(message);
                case Conditions.Provisioned.DEPLOYMENT_LIMIT_EXCEEDED ->
                    waitForSlot
                            ? null
                            : new CliFailure(
                                    ExitCodes.LIMIT_REACHED,
                                    "deployment limit reached: " + message
                                            + ".\nThe preview stays queued and starts by itself when a slot frees. "
                                            + "Delete previews nobody needs (preview list; preview prune --keep-branches), or deploy with --wait-for-slot.",
                                    "deployment limit reached: " + firstClause(message) + "; the preview stays queued");
                case Conditions.Provisioned.PROVISION_FAILED,
                        Conditions.Provisioned.UNKNOWN_PLAN,
                        Conditions.Provisioned.EXPIRED,
                        Conditions.Provisioned.SCALED_TO_ZERO ->
                    new CliFailure(
                            ExitCodes.PROVISION_FAILED,
                            "provisioning preview " + name + " failed (" + reason + "): " + message);
                default -> null;
            };
            if (failure != null) return new DeployVerdict(State.FAILED, summary, failure);
        }
        if (provisioned == null || !Conditions.TRUE.equals(provisioned.getStatus()) || !commit.equals(s.getCommit())) {
            return new DeployVerdict(State.PROVISIONING, summary, null);
        }
        if (staleSeedJob != null
                && s.getSeed() != null
                && staleSeedJob.equals(s.getSeed().getJobName())) {
            return new DeployVerdict(
                    State.PROVISIONED, phase + ": waiting for the seed to start again (--reseed)", null);
        }
        if (s.isTrue(Conditions.SEED_FAILED)) {
            String seedMessage =
                    s.condition(Conditions.SEED_FAILED).map(c -> c.getMessage()).orElse("");
            String seedReason = s.reason(Conditions.SEED_FAILED);
            String url = url(p);
            return new DeployVerdict(
                    State.FAILED,
                    summary,
                    new CliFailure(
                            ExitCodes.SEED_FAILED,
                            "the seed of preview " + name + " failed for commit " + PreviewNames.shortCommit(commit)
                                    + "; the backend stays provisioned at " + url + ".\n" + indent(seedMessage)
                                    + "\nFix the seed and push a new commit, or deploy again with --reseed.",
                            "the seed failed" + (seedReason == null ? "" : " (" + seedReason + ")") + ": "
                                    + lastLine(seedMessage)));
        }
        if (s.isTrue(Conditions.READY) && s.isTrue(Conditions.SEEDED)) {
            return new DeployVerdict(State.READY, summary, null);
        }
        return new DeployVerdict(State.PROVISIONED, summary, null);
    }

    /**
     * A BlueGreen rollover to the deployed commit: under way while the old commit serves; a failed seed
     * or a backend that never became available is the deploy's failure, though the old commit serves on.
     */
    private static DeployVerdict rollover(PreviewDeployment p, RolloverStatus next, String summary) {
        var s = p.getStatus();
        String name = p.getMetadata().getName();
        String serving = s.getShortCommit();
        String message = Objects.requireNonNullElse(next.getMessage(), "");
        String keeps = "commit " + serving + " keeps serving at " + url(p);
        if (next.getPhase() == RolloverPhase.SeedFailed) {
            String seedReason = s.reason(Conditions.SEED_FAILED);
            return new DeployVerdict(
                    State.FAILED,
                    summary,
                    new CliFailure(
                            ExitCodes.SEED_FAILED,
                            "the seed of preview " + name + " failed for commit " + next.getShortCommit()
                                    + " during its BlueGreen rollover; " + keeps + ".\n" + indent(message)
                                    + "\nFix the seed and push a new commit, or deploy again with --reseed.",
                            "the seed failed" + (seedReason == null ? "" : " (" + seedReason + ")") + ": "
                                    + lastLine(message) + "; " + keeps));
        }
        if (next.getPhase() == RolloverPhase.Failed) {
            return new DeployVerdict(
                    State.FAILED,
                    summary,
                    new CliFailure(
                            ExitCodes.PROVISION_FAILED,
                            "the backend of commit " + next.getShortCommit() + " of preview " + name
                                    + " did not become available during its BlueGreen rollover: " + message + "; "
                                    + keeps));
        }
        return new DeployVerdict(
                State.PROVISIONING,
                "Rolling over to " + next.getShortCommit() + " (" + next.getPhase() + "): " + firstLine(message)
                        + "; commit " + serving + " serves meanwhile",
                null);
    }

    /** The URL the build needs: the external one when the backend is exposed, else the in-cluster one. */
    static String url(PreviewDeployment p) {
        var s = p.getStatus();
        if (s != null && s.getExternalUrl() != null) return s.getExternalUrl();
        if (s != null && s.getUrl() != null) return s.getUrl();
        return PreviewNames.serviceUrl(
                p.getMetadata().getName(), p.getMetadata().getNamespace());
    }

    /** The last line that says something: a failed seed's last output line is usually its error. */
    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }

    private static String firstClause(String s) {
        String line = s == null ? "" : firstLine(s);
        int semicolon = line.indexOf("; ");
        return semicolon < 0 ? line : line.substring(0, semicolon);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private static String indent(String text) {
        return "    " + text.strip().replace("\n", "\n    ");
    }
}
