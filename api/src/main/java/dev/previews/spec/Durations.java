package dev.previews.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as 90m, 36h, 3d or 1d12h. Pure functions. */
public final class Durations {
    private Durations() {}

    private static final Pattern WHOLE = Pattern.compile("^([0-9]+[smhd])+$");
    private static final Pattern PART = Pattern.compile("([0-9]+)([smhd])");

    /** Parses a duration; throws IllegalArgumentException with a readable message. */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 90m, 36h, 5d or 1d12h)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text.trim());
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(
                        switch (m.group(2)) {
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            case "h" -> Duration.ofHours(n);
                            default -> Duration.ofDays(n);
                        });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is zero; a duration must be positive");
        }
        return total;
    }

    /**
     * Parses a command-line option's duration: what {@link #parse} reads, and milliseconds (800ms); throws
     * IllegalArgumentException with a readable message.
     */
    public static Duration parseOption(String text) {
        try {
            if (text != null && text.matches("[0-9]+ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 800ms, 30s, 10m, 2h)");
        }
    }

    /** Formats a duration the way it is written in specs: 5d, 36h, 90m, 1d12h. */
    public static String format(Duration d) {
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        if (days > 0) sb.append(days).append('d');
        if (hours > 0) sb.append(hours).append('h');
        if (minutes > 0) sb.append(minutes).append('m');
        if (seconds > 0 || sb.length() == 0) sb.append(seconds).append('s');
        return sb.toString();
    }
}
