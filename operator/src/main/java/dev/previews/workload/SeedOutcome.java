package dev.previews.workload;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Arrays;
import java.util.Objects;

/** Reads a seed Job's outcome from its conditions. Pure function. */
public final class SeedOutcome {
    private SeedOutcome() {}

    public enum State {
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /** {@code reason} is the Job's failure reason (BackoffLimitExceeded, DeadlineExceeded, ...). */
    public record Outcome(State state, String reason, String message, String finishedAt) {}

    public static Outcome of(Job job) {
        if (job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (JobCondition c : job.getStatus().getConditions()) {
                if (!"True".equals(c.getStatus())) continue;
                String at = Objects.requireNonNullElse(
                        c.getLastTransitionTime(), job.getStatus().getCompletionTime());
                if ("Complete".equals(c.getType())) {
                    return new Outcome(State.SUCCEEDED, "Complete", c.getMessage(), at);
                }
                if ("Failed".equals(c.getType())) {
                    return new Outcome(
                            State.FAILED,
                            Objects.requireNonNullElse(c.getReason(), "Failed"),
                            Objects.requireNonNullElse(c.getMessage(), "the seed Job failed"),
                            at);
                }
            }
        }
        return new Outcome(State.RUNNING, null, null, null);
    }

    public static final int MAX_OUTPUT_LINES = 20;
    public static final int MAX_OUTPUT_CHARS = 2048;

    /** The last lines of a termination message, bounded in lines and characters. */
    public static String lastLines(String output) {
        if (output == null || output.isBlank()) return "";
        String[] lines = output.strip().split("\\R");
        int from = Math.max(0, lines.length - MAX_OUTPUT_LINES);
        String tail = String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
        return tail.length() > MAX_OUTPUT_CHARS ? "..." + tail.substring(tail.length() - MAX_OUTPUT_CHARS) : tail;
    }
}
