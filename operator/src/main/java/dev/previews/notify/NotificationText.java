package dev.previews.notify;

import dev.previews.notify.Notification.Preview;
import dev.previews.spec.Durations;
import dev.previews.spec.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one readable line a chat channel shows ({@code text}): what happened to which preview, and
 * what to do about it, with the command to type.
 */
final class NotificationText {
    private NotificationText() {}

    /** A seed's output can be long: the line keeps its first line, up to this many characters. */
    static final int MESSAGE_IN_TEXT = 200;

    static String line(String reason, Preview p, String message, boolean deleted, Instant now) {
        String preview = "Preview " + p.title();
        String cli = p.name() + " -n " + p.namespace();
        return switch (reason) {
            case "ExpiresSoon" ->
                preview + " expires at " + p.expiresAt() + in(p.expiresAt(), now) + ": extend it with `preview extend "
                        + cli + " --by 1d`";
            case "Expired" ->
                deleted
                        ? preview + " expired at " + p.expiresAt() + " and was deleted"
                        : preview + " expired at " + p.expiresAt()
                                + ": its workloads were deleted; push a new commit to provision it again";
            case "SeedFailed" ->
                "Seed of preview " + p.title() + " failed: " + firstLine(message)
                        + (p.url() == null ? "" : "; the backend stays up at " + p.url());
            case "Asleep" -> preview + " is asleep (scaled to zero); wake it with `preview wake " + cli + "`";
            case "Awake" -> preview + " is awake" + (p.url() == null ? "" : " at " + p.url());
            default -> preview + ": " + reason + ": " + firstLine(message);
        };
    }

    /** ", in 23h" when the time is still to come. */
    private static String in(String expiresAt, Instant now) {
        Instant at = Timestamps.parse(expiresAt);
        if (at == null || !at.isAfter(now)) return "";
        Duration left = Duration.between(now, at);
        // minutes at most: "in 23h59m12s" is noise in a chat line
        Duration rounded = left.compareTo(Duration.ofMinutes(1)) < 0 ? left : left.truncatedTo(ChronoUnit.MINUTES);
        return ", in " + Durations.format(rounded);
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) return "(no message)";
        String line = message.strip().lines().findFirst().orElse("").strip();
        return line.length() <= MESSAGE_IN_TEXT ? line : line.substring(0, MESSAGE_IN_TEXT - 3) + "...";
    }
}
