package dev.previews.lifecycle;

import dev.previews.policy.Plan;
import dev.previews.spec.Durations;
import dev.previews.spec.Timestamps;
import java.time.Instant;

/**
 * Whether a preview's backend sleeps (scaled to zero, its Service and URL kept): after its plan's
 * sleepAfter without activity, or outside the plan's awake hours when there was no activity since
 * they ended. Never while its seed runs or its backend is being recreated; an activity wakes it, and
 * so does the start of the next awake hours for a preview the end of the last ones put to sleep.
 * Pure function.
 *
 * @param since when it fell asleep (null: awake)
 * @param why what put it to sleep, for the status
 */
record Sleep(Instant since, String why) {
    static final Sleep AWAKE = new Sleep(null, null);

    boolean asleep() {
        return since != null;
    }

    /**
     * @param lastActivity the last activity
     * @param busy a seed runs or the backend is being recreated
     * @param sleepingSince when the status says it fell asleep (null: it is awake)
     */
    static Sleep of(Plan plan, Instant lastActivity, boolean busy, Instant sleepingSince, Instant now) {
        if (busy || !plan.sleeps()) return AWAKE;
        if (plan.sleepAfter() != null) {
            Instant idleFrom = lastActivity.plus(plan.sleepAfter());
            if (!now.isBefore(idleFrom)) {
                return new Sleep(
                        since(sleepingSince, idleFrom),
                        "no activity for " + Durations.format(plan.sleepAfter()) + " since "
                                + Timestamps.format(lastActivity) + " (plan " + plan.name() + ")");
            }
        }
        if (plan.awake() != null && !plan.awake().awakeAt(now)) {
            Instant closed = plan.awake().lastEnd(now);
            if (closed != null && lastActivity.isBefore(closed)) {
                return new Sleep(
                        since(sleepingSince, closed),
                        "outside the awake hours " + plan.awake() + " of plan " + plan.name());
            }
        }
        return AWAKE;
    }

    /** The time after {@code now} at which this may change without anything else happening. */
    static Instant nextChange(Plan plan, Instant lastActivity, Instant now) {
        Instant next = null;
        if (plan.sleepAfter() != null) next = later(now, next, lastActivity.plus(plan.sleepAfter()));
        if (plan.awake() != null) next = later(now, next, plan.awake().nextChange(now));
        return next;
    }

    private static Instant since(Instant recorded, Instant fellAsleep) {
        return recorded != null ? recorded : fellAsleep;
    }

    /** The earlier of {@code current} and {@code candidate}, counting only candidates after now. */
    static Instant later(Instant now, Instant current, Instant candidate) {
        if (candidate == null || !candidate.isAfter(now)) return current;
        return current == null || candidate.isBefore(current) ? candidate : current;
    }

    /** What the status says of a sleeping preview, and how to wake it. */
    String message(String name) {
        return "asleep since " + Timestamps.format(since) + " after " + why
                + "; the URL stays: wake it with `preview wake " + name
                + "` or a new value of the annotation previews.dev/wake";
    }
}
