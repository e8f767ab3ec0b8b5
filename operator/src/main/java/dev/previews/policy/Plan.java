package dev.previews.policy;

import dev.previews.api.Rollover;
import java.time.Duration;

/**
 * A plan: how long previews live and how much longer they may be extended, how many may run per
 * namespace, what expiry does, when a preview is warned of its expiry, when it sleeps, how a new
 * commit replaces its backend by default, and what its pods get when the preview does not say otherwise.
 *
 * @param maxTtl the longest lifetime spec.ttl may ask for (at least {@code ttl})
 * @param warnBefore how long before its expiry a preview reports Expiring; null: never
 * @param sleepAfter how long a preview without activity keeps running; null: it never sleeps for that
 * @param awake hours outside which previews sleep; null: all the time
 * @param rollover how a new commit replaces the backend of a preview whose spec.rollover is unset
 * @param defaults merged under every preview's own pod settings ({@link PodDefaults#NONE}: none)
 */
public record Plan(
        String name,
        Duration ttl,
        int maxPreviews,
        ExpiryPolicy expiry,
        Duration maxTtl,
        Duration warnBefore,
        Duration sleepAfter,
        AwakeSchedule awake,
        Rollover rollover,
        PodDefaults defaults) {

    public Plan {
        defaults = defaults == null ? PodDefaults.NONE : defaults;
    }

    /** A plan that lives exactly its TTL, warns of nothing, never sleeps and has no defaults. */
    public Plan(String name, Duration ttl, int maxPreviews, ExpiryPolicy expiry) {
        this(name, ttl, maxPreviews, expiry, ttl, null, null, null, Rollover.Recreate, PodDefaults.NONE);
    }

    public Plan withMaxTtl(Duration longest) {
        return new Plan(name, ttl, maxPreviews, expiry, longest, warnBefore, sleepAfter, awake, rollover, defaults);
    }

    public Plan withWarnBefore(Duration warn) {
        return new Plan(name, ttl, maxPreviews, expiry, maxTtl, warn, sleepAfter, awake, rollover, defaults);
    }

    public Plan withSleepAfter(Duration idle) {
        return new Plan(name, ttl, maxPreviews, expiry, maxTtl, warnBefore, idle, awake, rollover, defaults);
    }

    public Plan withAwake(AwakeSchedule hours) {
        return new Plan(name, ttl, maxPreviews, expiry, maxTtl, warnBefore, sleepAfter, hours, rollover, defaults);
    }

    public Plan withRollover(Rollover strategy) {
        return new Plan(name, ttl, maxPreviews, expiry, maxTtl, warnBefore, sleepAfter, awake, strategy, defaults);
    }

    public Plan withDefaults(PodDefaults podDefaults) {
        return new Plan(name, ttl, maxPreviews, expiry, maxTtl, warnBefore, sleepAfter, awake, rollover, podDefaults);
    }

    /** Whether previews of this plan may sleep at all. */
    public boolean sleeps() {
        return sleepAfter != null || awake != null;
    }
}
