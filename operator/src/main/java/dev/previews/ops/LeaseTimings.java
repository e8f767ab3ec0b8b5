package dev.previews.ops;

import dev.previews.spec.Durations;
import java.time.Duration;

/**
 * The timings of leader election, and what they promise. Pure.
 *
 * <p>The leader renews the Lease every {@code retryPeriod} and gives up when a renewal has not succeeded
 * for {@code renewDeadline}. A standby tries to take the Lease once its last renewal is {@code
 * leaseDuration} old; fabric8's elector (as client-go's) spaces a standby's tries by {@code retryPeriod}
 * stretched by a random factor of up to {@link #STANDBY_JITTER}. So after a leader dies, the standby
 * holds the Lease at most {@link #worstCaseTakeover()} later: the leader's last renewal came before its
 * death, the lease runs out at most {@code leaseDuration} after it, and the standby's next try comes at
 * most one stretched retry period after that.
 *
 * <p>The default retry period is 750 ms rather than client-go's 2 s: with 2 s a standby may wait 4.4 s
 * past the lease, with 750 ms it waits at most 1.65 s, so a failover takes at most the lease plus 2 s
 * (docs/RELIABILITY.md). The price is the leader's renewals: 1.3 Lease writes a second instead of 0.5.
 */
public record LeaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    /** How far fabric8's LeaderElector stretches a standby's retry period at most (its JITTER_FACTOR). */
    static final double STANDBY_JITTER = 1.2;

    public static final LeaseTimings DEFAULTS =
            new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(750));

    /** Refuses timings with which the elector cannot work (the same rules as fabric8's and client-go's). */
    public LeaseTimings {
        if (!positive(leaseDuration) || !positive(renewDeadline) || !positive(retryPeriod)) {
            throw new IllegalArgumentException("the lease duration, renew deadline and retry period must be positive");
        }
        if (leaseDuration.compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException("the lease duration (" + Durations.format(leaseDuration)
                    + ") must be longer than the renew deadline (" + Durations.format(renewDeadline) + ")");
        }
        if (renewDeadline.toMillis() <= STANDBY_JITTER * retryPeriod.toMillis()) {
            throw new IllegalArgumentException("the renew deadline (" + Durations.format(renewDeadline)
                    + ") must be longer than " + STANDBY_JITTER + " times the retry period ("
                    + retryPeriod.toMillis() + "ms)");
        }
    }

    /** Reads the three options as written on the command line (15s, 10s, 750ms); null keeps the default. */
    public static LeaseTimings parse(String leaseDuration, String renewDeadline, String retryPeriod) {
        return new LeaseTimings(
                leaseDuration == null ? DEFAULTS.leaseDuration : Durations.parseOption(leaseDuration),
                renewDeadline == null ? DEFAULTS.renewDeadline : Durations.parseOption(renewDeadline),
                retryPeriod == null ? DEFAULTS.retryPeriod : Durations.parseOption(retryPeriod));
    }

    /** The longest time from a leader's death to a standby's acquisition of the Lease. */
    public Duration worstCaseTakeover() {
        return leaseDuration.plusMillis(Math.round(retryPeriod.toMillis() * (1 + STANDBY_JITTER)));
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
