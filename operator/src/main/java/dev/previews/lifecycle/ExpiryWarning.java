package dev.previews.lifecycle;

import static dev.previews.api.Conditions.EXPIRING;
import static dev.previews.api.Conditions.FALSE;
import static dev.previews.api.Conditions.TRUE;

import dev.previews.api.Conditions;
import dev.previews.policy.Plan;
import dev.previews.spec.Durations;
import dev.previews.spec.Timestamps;
import java.time.Instant;

/**
 * The Expiring condition, for plans with a warnBefore: True (ExpiresSoon) from expiresAt - warnBefore
 * on, with the time and how to extend it; False before. A later expiresAt (an extension) clears it.
 * Absolute times only, so that the message does not change while nothing does. Pure function.
 */
final class ExpiryWarning {
    private ExpiryWarning() {}

    /** Sets the condition; returns when it turns True, if that is still to come (else null). */
    static Instant report(Plan plan, Timeline deployment, String name, StatusDraft draft, Instant now) {
        if (plan.warnBefore() == null || deployment.expiresAt() == null) return null;
        Instant warnFrom = deployment.expiresAt().minus(plan.warnBefore());
        String at = Timestamps.format(deployment.expiresAt());
        if (now.isBefore(warnFrom)) {
            draft.condition(EXPIRING, FALSE, Conditions.Expiring.LATER, "expires at " + at);
            return warnFrom;
        }
        boolean extensible = deployment.ttl().effective().compareTo(plan.maxTtl()) < 0;
        String how = extensible
                ? "; extend it with `preview extend " + name + " --by 1d` or a longer spec.ttl (up to "
                        + Durations.format(plan.maxTtl()) + ", plan " + plan.name() + ")"
                : "; it cannot be extended further (plan " + plan.name() + " allows at most "
                        + Durations.format(plan.maxTtl()) + "): push a new commit to start a new deployment";
        draft.condition(EXPIRING, TRUE, Conditions.Expiring.SOON, "expires at " + at + how);
        return null;
    }
}
