package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's REST API as the CLI uses it: JSON over the JDK's HTTP client with the documented headers
 * ({@code Accept: application/vnd.github+json}, {@code X-GitHub-Api-Version: 2022-11-28}, a bearer
 * token, a User-Agent), lists followed through their {@code Link: rel="next"} pages, no redirect
 * followed, and every failure a {@link GitHubException}. Paths are relative to the API's base URL, which keeps its own
 * path (GitHub Enterprise: {@code https://HOST/api/v3}).
 */
final class GitHubApi {
    static final String API_VERSION = "2022-11-28";
    static final String ACCEPT = "application/vnd.github+json";
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
    private static final int MAX_PAGES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final String userAgent;

    GitHubApi(URI base, String token, String userAgent) {
        this(
                base,
                token,
                userAgent,
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NEVER) // the token goes to the API's address only
                        .build());
    }

    GitHubApi(URI base, String token, String userAgent, HttpClient http) {
        this.base = Objects.requireNonNull(base);
        this.token = Objects.requireNonNull(token);
        this.userAgent = userAgent;
        this.http = http;
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) throws GitHubException {
        return send("GET", uri(path), path, null).body();
    }

    JsonNode post(String path, JsonNode body) throws GitHubException {
        return send("POST", uri(path), path, body).body();
    }

    JsonNode patch(String path, JsonNode body) throws GitHubException {
        return send("PATCH", uri(path), path, body).body();
    }

    /**
     * Every item of a list, page after page as GitHub's {@code Link} header leads (at most 50 pages).
     * A next page on another host than the API's is not followed: the token goes to the API only.
     */
    List<JsonNode> getAll(String path) throws GitHubException {
        List<JsonNode> items = new ArrayList<>();
        URI next = uri(path);
        String shown = path;
        for (int page = 0; next != null && page < MAX_PAGES; page++) {
            Answer answer = send("GET", next, shown, null);
            if (!answer.body().isArray()) {
                throw new GitHubException(0, "GitHub answered GET " + shown + " with something other than a list");
            }
            answer.body().forEach(items::add);
            next = answer.next();
            if (next != null && !sameOrigin(next, base)) {
                throw new GitHubException(
                        0,
                        "GitHub's next page of " + path + " is on another host (" + next.getHost() + "); not followed");
            }
            if (next != null) shown = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        }
        return items;
    }

    private record Answer(JsonNode body, URI next) {}

    private Answer send(String method, URI uri, String shown, JsonNode body) throws GitHubException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", ACCEPT)
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", userAgent);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new GitHubException(
                    0,
                    "cannot reach GitHub's API at " + base + " (" + method + " " + shown + "): "
                            + Failures.networkProblem(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, "interrupted while calling GitHub (" + method + " " + shown + ")");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw GitHubException.of(method, shown, status, response.headers(), response.body());
        }
        JsonNode json;
        try {
            json = response.body() == null || response.body().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new GitHubException(status, "GitHub's answer to " + method + " " + shown + " is not JSON");
        }
        URI next = response.headers().allValues("link").stream()
                .map(NEXT::matcher)
                .filter(Matcher::find)
                .map(m -> URI.create(m.group(1)))
                .findFirst()
                .orElse(null);
        return new Answer(json, next);
    }

    private URI uri(String path) {
        if (!path.startsWith("/")) throw new IllegalArgumentException("not an API path: " + path);
        return URI.create(base.toString() + path);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme())
                && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }
}
