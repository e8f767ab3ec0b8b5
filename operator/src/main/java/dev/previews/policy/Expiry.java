package dev.previews.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * When a preview expires: createdAt + min(spec.ttl or the plan's TTL, the plan's maxTtl). Pure
 * functions.
 */
public final class Expiry {
    private Expiry() {}

    /** The TTL in force and whether the spec asked for more than the plan allows. */
    public record Ttl(Duration effective, boolean capped) {}

    public static Ttl ttl(Plan plan, Duration requested) {
        if (requested == null) {
            return new Ttl(plan.ttl(), false);
        }
        return requested.compareTo(plan.maxTtl()) > 0 ? new Ttl(plan.maxTtl(), true) : new Ttl(requested, false);
    }

    public static Instant expiresAt(Instant createdAt, Ttl ttl) {
        return createdAt.plus(ttl.effective());
    }

    public static boolean isDue(Instant expiresAt, Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
