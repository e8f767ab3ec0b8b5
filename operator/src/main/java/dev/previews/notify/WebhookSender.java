package dev.previews.notify;

import dev.previews.policy.NotificationConfig.Delivery;
import dev.previews.policy.NotificationConfig.Webhook;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt to deliver a notification: a POST of its body, and what the answer means. Retried:
 * no connection, no answer in time, 5xx and 429 (after its Retry-After); not retried: any other
 * answer that is not 2xx (a 404 or a 403 will not get better in a minute), including redirects,
 * which are not followed.
 */
final class WebhookSender {
    static final String USER_AGENT = "preview-operator";

    /** What an attempt came to. {@code retryAfter}: the receiver's own Retry-After, if it gave one. */
    record Outcome(Kind kind, String detail, Duration retryAfter) {
        enum Kind {
            DELIVERED,
            RETRY,
            FAILED,
            /** The operator is stopping and its grace ran out during the attempt. */
            INTERRUPTED
        }

        static Outcome retry(String detail) {
            return new Outcome(Kind.RETRY, detail, null);
        }

        static Outcome failed(String detail) {
            return new Outcome(Kind.FAILED, detail, null);
        }
    }

    private final HttpClient client;
    private final Delivery settings;

    WebhookSender(HttpClient client, Delivery settings) {
        this.client = client;
        this.settings = settings;
    }

    Outcome send(Webhook webhook, Notification notification) {
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(Notification.ID_HEADER, notification.id())
                .POST(HttpRequest.BodyPublishers.ofString(notification.json()))
                .build();
        // the request's timeout ends at the answer's headers; this one bounds the body too
        Duration whole = settings.connectTimeout().plus(settings.requestTimeout());
        CompletableFuture<HttpResponse<Void>> answer =
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return answered(answer.get(whole.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            answer.cancel(true);
            return Outcome.retry("no answer within " + seconds(whole));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(Outcome.Kind.INTERRUPTED, "interrupted: the operator is stopping", null);
        } catch (ExecutionException e) {
            return unanswered(e.getCause());
        }
    }

    private Outcome answered(HttpResponse<Void> response) {
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
            return new Outcome(Outcome.Kind.DELIVERED, "HTTP " + code, null);
        }
        if (code == 429 || code >= 500) {
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .map(WebhookSender::retryAfter)
                    .orElse(null);
            return new Outcome(Outcome.Kind.RETRY, "HTTP " + code, retryAfter);
        }
        return Outcome.failed("HTTP " + code + (code >= 300 && code < 400 ? " (redirects are not followed)" : ""));
    }

    /** Exceptions are worded by kind: their messages may hold the URL, which is a secret. */
    private Outcome unanswered(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return Outcome.retry("no connection within " + seconds(settings.connectTimeout()));
        }
        if (cause instanceof HttpTimeoutException) {
            return Outcome.retry("no answer within " + seconds(settings.requestTimeout()));
        }
        if (cause instanceof ConnectException) {
            return Outcome.retry("connection refused");
        }
        if (cause instanceof IOException) {
            return Outcome.retry("connection failed (" + cause.getClass().getSimpleName() + ")");
        }
        return Outcome.failed(
                "the request could not be made (" + cause.getClass().getSimpleName() + ")");
    }

    /** Retry-After in seconds or as an HTTP date; null when it is neither. */
    static Duration retryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
