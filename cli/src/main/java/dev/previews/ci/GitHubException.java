package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request to GitHub that failed, with a message a person can act on: the rate limit and when it
 * resets, a token that lacks access, what GitHub refused and why. Never carries the token.
 */
final class GitHubException extends Exception {
    private final int status;

    GitHubException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status; 0 when no answer came. */
    int status() {
        return status;
    }

    /** What GitHub's answer means, from its status, rate-limit headers and JSON error body. */
    static GitHubException of(String method, String path, int status, HttpHeaders headers, String body) {
        String said = said(body);
        String request = method + " " + path;
        Optional<String> remaining = headers.firstValue("x-ratelimit-remaining");
        Optional<String> retryAfter = headers.firstValue("retry-after");
        if ((status == 403 || status == 429) && remaining.filter("0"::equals).isPresent()) {
            String reset = headers.firstValue("x-ratelimit-reset")
                    .map(GitHubException::epochSeconds)
                    .orElse("an unknown time");
            return new GitHubException(
                    status,
                    "GitHub's API rate limit is used up (" + status + " on " + request + ", limit "
                            + headers.firstValue("x-ratelimit-limit").orElse("?") + " requests); it resets at "
                            + reset);
        }
        if ((status == 403 || status == 429) && retryAfter.isPresent()) {
            return new GitHubException(
                    status,
                    "GitHub's secondary rate limit stopped " + request + " (" + status + "): retry after "
                            + retryAfter.get() + " s" + (said.isEmpty() ? "" : " (" + said + ")"));
        }
        String message = switch (status) {
            case 401 -> "GitHub did not accept the token (401 on " + request + "): check GITHUB_TOKEN";
            case 403 ->
                "GitHub refused " + request + " (403" + (said.isEmpty() ? "" : ": " + said)
                        + "): the token lacks permission; the job needs "
                        + "'permissions: {deployments: write, pull-requests: write}'";
            case 404 ->
                "GitHub answered 404 Not Found to " + request
                        + ": the repository does not exist or the token cannot see it";
            case 422 -> "GitHub refused " + request + " (422" + (said.isEmpty() ? "" : ": " + said) + ")";
            default -> "GitHub answered " + status + " to " + request + (said.isEmpty() ? "" : ": " + said);
        };
        return new GitHubException(status, message);
    }

    /** GitHub's error body: {"message": ..., "errors": [{"message"} or {"resource", "field", "code"}]}. */
    private static String said(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode json = new ObjectMapper().readTree(body);
            List<String> parts = new ArrayList<>();
            if (json.hasNonNull("message")) parts.add(json.get("message").asText());
            for (JsonNode e : json.path("errors")) {
                if (e.isTextual()) parts.add(e.asText());
                else if (e.hasNonNull("message")) parts.add(e.get("message").asText());
                else if (e.hasNonNull("code"))
                    parts.add(e.path("resource").asText("") + "."
                            + e.path("field").asText("") + " " + e.get("code").asText());
            }
            return String.join("; ", parts);
        } catch (Exception e) {
            String line = body.strip().lines().findFirst().orElse("");
            return line.length() > 200 ? line.substring(0, 200) + "..." : line;
        }
    }

    private static String epochSeconds(String value) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.trim())).toString();
        } catch (NumberFormatException e) {
            return value;
        }
    }
}
