package dev.previews.policy;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plan's awake hours, as kube-green writes its schedules: {@code Mon-Fri 07:00-20:00 Europe/Berlin}
 * (days as a list or ranges, a time window, a time zone; UTC when none). Outside them a preview
 * sleeps; a window that ends before it starts runs over midnight. Pure functions of an instant.
 */
public final class AwakeSchedule {
    private static final Pattern FORMAT =
            Pattern.compile("^\\s*(\\S+)\\s+([0-9]{1,2}:[0-9]{2})-([0-9]{1,2}:[0-9]{2})(?:\\s+(\\S+))?\\s*$");
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private final String text;
    private final Set<DayOfWeek> days;
    private final LocalTime start;
    private final LocalTime end;
    private final ZoneId zone;

    private AwakeSchedule(String text, Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
        this.text = text;
        this.days = days;
        this.start = start;
        this.end = end;
        this.zone = zone;
    }

    /** Parses a schedule; throws IllegalArgumentException with a readable message. */
    public static AwakeSchedule parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a schedule (write e.g. Mon-Fri 07:00-20:00 Europe/Berlin)");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : m.group(1).split(",")) {
            String[] range = part.split("-", -1);
            if (range.length > 2) throw new IllegalArgumentException("'" + part + "' is not a day or a range of days");
            int from = day(range[0]);
            int to = range.length == 2 ? day(range[1]) : from;
            for (int d = from; ; d = (d + 1) % 7) {
                days.add(DayOfWeek.of(d + 1));
                if (d == to) break;
            }
        }
        LocalTime start = time(m.group(2));
        LocalTime end = time(m.group(3));
        if (start.equals(end)) {
            throw new IllegalArgumentException("'" + text + "': the window is empty (start and end are the same time)");
        }
        ZoneId zone;
        try {
            zone = m.group(4) == null ? ZoneOffset.UTC : ZoneId.of(m.group(4));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "'" + m.group(4) + "' is not a time zone (write e.g. Europe/Berlin or UTC)");
        }
        return new AwakeSchedule(text.trim(), days, start, end, zone);
    }

    private static int day(String name) {
        int i = DAYS.indexOf(name.toLowerCase(Locale.ROOT));
        if (i < 0)
            throw new IllegalArgumentException("'" + name + "' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
        return i;
    }

    private static LocalTime time(String hhmm) {
        try {
            return LocalTime.parse(hhmm.length() == 4 ? "0" + hhmm : hhmm);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + hhmm + "' is not a time of day (write e.g. 07:00)");
        }
    }

    /** Whether the instant is inside awake hours. */
    public boolean awakeAt(Instant t) {
        return windows(t).stream().anyMatch(w -> !w[0].isAfter(t) && t.isBefore(w[1]));
    }

    /** The latest end of awake hours at or before {@code t} (null if none in the week before). */
    public Instant lastEnd(Instant t) {
        Instant last = null;
        for (Instant[] w : windows(t)) {
            if (!w[1].isAfter(t) && (last == null || w[1].isAfter(last))) last = w[1];
        }
        return last;
    }

    /** The next start or end of awake hours after {@code t} (null if none in the week after). */
    public Instant nextChange(Instant t) {
        Instant next = null;
        for (Instant[] w : windows(t)) {
            for (Instant edge : w) {
                if (edge.isAfter(t) && (next == null || edge.isBefore(next))) next = edge;
            }
        }
        return next;
    }

    /** The awake windows (start, end) of the days around the instant. */
    private List<Instant[]> windows(Instant t) {
        LocalDate today = t.atZone(zone).toLocalDate();
        List<Instant[]> windows = new ArrayList<>();
        for (int offset = -8; offset <= 8; offset++) {
            LocalDate day = today.plusDays(offset);
            if (!days.contains(day.getDayOfWeek())) continue;
            LocalDate endDay = end.isAfter(start) ? day : day.plusDays(1);
            windows.add(new Instant[] {
                day.atTime(start).atZone(zone).toInstant(),
                endDay.atTime(end).atZone(zone).toInstant()
            });
        }
        return windows;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwakeSchedule s && text.equals(s.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
