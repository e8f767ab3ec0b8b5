package dev.previews.ci;

import java.time.Duration;

/** Short durations for people: 850ms, 12s, 3m05s, 2h10m, 4d3h. Pure function. */
final class DurationFormat {
    private DurationFormat() {}

    static String of(Duration d) {
        if (d.isNegative()) d = Duration.ZERO;
        long s = d.toSeconds();
        if (s == 0) return d.toMillis() == 0 ? "0s" : d.toMillis() + "ms";
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60).replace("m00s", "m");
        if (s < 86400)
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60).replace("h00m", "h");
        return String.format("%dd%dh", s / 86400, (s % 86400) / 3600).replace("d0h", "d");
    }

    /** Like kubectl's AGE column: 45s, 12m, 5h, 3d. */
    static String age(Duration d) {
        if (d.isNegative()) d = Duration.ZERO;
        long s = d.toSeconds();
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        if (s < 2 * 86400) return (s / 3600) + "h";
        return (s / 86400) + "d";
    }
}
