package dev.previews.ci;

import java.time.Duration;

/**
 * A lifetime written as spec.ttl accepts it (days, hours, minutes: the CRD's pattern has no seconds),
 * rounded up to the minute, so that an extension never falls short.
 */
final class SpecTtl {
    private SpecTtl() {}

    static String of(Duration lifetime) {
        long minutes = (lifetime.toSeconds() + 59) / 60;
        if (minutes < 1) throw CliFailure.invalid("a preview's lifetime must be at least one minute");
        StringBuilder sb = new StringBuilder();
        long days = minutes / (24 * 60);
        long hours = (minutes / 60) % 24;
        long rest = minutes % 60;
        if (days > 0) sb.append(days).append('d');
        if (hours > 0) sb.append(hours).append('h');
        if (rest > 0) sb.append(rest).append('m');
        return sb.toString();
    }
}
