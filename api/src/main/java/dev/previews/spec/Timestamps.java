package dev.previews.spec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps at second precision, as Kubernetes writes them. */
public final class Timestamps {
    private Timestamps() {}

    public static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * Parses an RFC 3339 timestamp. The form Kubernetes and {@link #format} write
     * ({@code 2026-11-22T07:35:39Z}) is read directly, since every reconcile reads a few of them and
     * {@link Instant#parse} is slow; any other form goes to {@link Instant#parse}.
     */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() == 20
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(19) == 'Z') {
            try {
                return LocalDateTime.of(
                                digits(text, 0, 4),
                                digits(text, 5, 2),
                                digits(text, 8, 2),
                                digits(text, 11, 2),
                                digits(text, 14, 2),
                                digits(text, 17, 2))
                        .toInstant(ZoneOffset.UTC);
            } catch (NumberFormatException | DateTimeException e) {
                // not a valid date after all: Instant.parse says why
            }
        }
        return Instant.parse(text);
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
