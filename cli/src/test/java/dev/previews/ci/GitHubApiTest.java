package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.previews.testing.Previews;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of --github against a local server playing GitHub's REST API: requests, pages, answers. */
class GitHubApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    FakeGitHub github;
    GitHubApi api;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub();
        api = new GitHubApi(github.apiUrl(), FakeGitHub.TOKEN, "preview-operator-cli/test");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void everyRequestCarriesTheDocumentedHeaders() throws Exception {
        JsonNode created = api.post(
                "/repos/acme/shop/issues/7/comments", JSON.createObjectNode().put("body", "hello"));

        assertThat(created.path("id").asLong()).isPositive();
        FakeGitHub.Request r = github.requests.get(0);
        assertThat(r.line()).isEqualTo("POST /repos/acme/shop/issues/7/comments");
        assertThat(r.headers())
                .containsEntry("accept", "application/vnd.github+json")
                .containsEntry("x-github-api-version", "2022-11-28")
                .containsEntry("authorization", "Bearer " + FakeGitHub.TOKEN)
                .containsEntry("user-agent", "preview-operator-cli/test")
                .containsEntry("content-type", "application/json");
        assertThat(r.body()).isEqualTo(JSON.createObjectNode().put("body", "hello"));
    }

    @Test
    void listsAreReadPageAfterPageAsTheLinkHeaderLeads() throws Exception {
        for (int i = 0; i < 250; i++) github.addComment(7, "someone", "comment " + i);

        List<JsonNode> all = api.getAll("/repos/acme/shop/issues/7/comments?per_page=100");

        assertThat(all).hasSize(250);
        assertThat(all.get(249).path("body").asText()).isEqualTo("comment 249");
        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "GET /repositories/4242/issues/7/comments?per_page=100&page=2",
                        "GET /repositories/4242/issues/7/comments?per_page=100&page=3");
        assertThat(github.requests)
                .allSatisfy(r -> assertThat(r.headers()).containsEntry("authorization", "Bearer " + FakeGitHub.TOKEN));
    }

    @Test
    void aUsedUpRateLimitNamesTheTimeItResets() {
        github.refuse(
                "POST",
                "/repos/acme/shop/deployments",
                403,
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-limit", "1000", "x-ratelimit-reset", "1767225600"),
                "{\"message\":\"API rate limit exceeded for installation ID 1.\"}");

        assertThatThrownBy(() -> api.post("/repos/acme/shop/deployments", JSON.createObjectNode()))
                .isInstanceOf(GitHubException.class)
                .hasMessage("GitHub's API rate limit is used up (403 on POST /repos/acme/shop/deployments, limit 1000"
                        + " requests); it resets at 2026-01-01T00:00:00Z")
                .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(403));
    }

    @Test
    void theSecondaryRateLimitSaysWhenToRetry() {
        github.refuse(
                "POST",
                "/repos/acme/shop/issues",
                403,
                Map.of("retry-after", "60"),
                "{\"message\":\"You have exceeded a secondary rate limit.\"}");

        assertThatThrownBy(() -> api.post("/repos/acme/shop/issues/7/comments", JSON.createObjectNode()))
                .hasMessage("GitHub's secondary rate limit stopped POST /repos/acme/shop/issues/7/comments (403): "
                        + "retry after 60 s (You have exceeded a secondary rate limit.)");
    }

    @Test
    void aForbiddenRequestNamesThePermissionsTheJobNeeds() {
        github.refuse(
                "POST",
                "/repos/acme/shop/deployments",
                403,
                Map.of(),
                "{\"message\":\"Resource not accessible by integration\"}");

        assertThatThrownBy(() -> api.post("/repos/acme/shop/deployments", JSON.createObjectNode()))
                .hasMessage("GitHub refused POST /repos/acme/shop/deployments (403: Resource not accessible by "
                        + "integration): the token lacks permission; the job needs "
                        + "'permissions: {deployments: write, pull-requests: write}'");
    }

    @Test
    void notFoundMeansTheTokenCannotSeeTheRepository() {
        assertThatThrownBy(() -> api.post("/repos/acme/secret/deployments", JSON.createObjectNode()))
                .hasMessage("GitHub answered 404 Not Found to POST /repos/acme/secret/deployments: the repository "
                        + "does not exist or the token cannot see it");
    }

    @Test
    void aValidationFailureSaysWhatGitHubRefused() {
        assertThatThrownBy(() -> api.post(
                        "/repos/acme/shop/deployments", JSON.createObjectNode().put("ref", "not-a-sha")))
                .hasMessage("GitHub refused POST /repos/acme/shop/deployments (422: No ref found for: not-a-sha)");
        assertThat(github.deployments).isEmpty();
    }

    @Test
    void aValidationFailureListsGitHubsErrors() throws Exception {
        long id = api.post(
                        "/repos/acme/shop/deployments",
                        JSON.createObjectNode().put("ref", Previews.COMMIT_A).put("environment", "preview/x"))
                .path("id")
                .asLong();

        assertThatThrownBy(() -> api.post(
                        "/repos/acme/shop/deployments/" + id + "/statuses",
                        JSON.createObjectNode().put("state", "success").put("description", "x".repeat(141))))
                .hasMessage("GitHub refused POST /repos/acme/shop/deployments/" + id + "/statuses (422: Validation "
                        + "Failed; description is too long (maximum is 140 characters))");
    }

    @Test
    void aWrongTokenIsReportedWithoutShowingIt() {
        GitHubApi wrong = new GitHubApi(github.apiUrl(), "ghs_wrong-token", "preview-operator-cli/test");

        assertThatThrownBy(() -> wrong.get("/repos/acme/shop/deployments"))
                .hasMessage("GitHub did not accept the token (401 on GET /repos/acme/shop/deployments): check "
                        + "GITHUB_TOKEN")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ghs_"));
    }

    @Test
    void anUnreachableApiIsOneLine() throws Exception {
        URI closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api/v3");
        }
        GitHubApi nowhere = new GitHubApi(closed, FakeGitHub.TOKEN, "preview-operator-cli/test");

        assertThatThrownBy(() -> nowhere.get("/repos/acme/shop/deployments"))
                .hasMessage("cannot reach GitHub's API at " + closed + " (GET /repos/acme/shop/deployments): "
                        + "connection refused");
    }

    @Test
    void aNextPageOnAnotherHostIsNotFollowed() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", x -> {
            x.getResponseHeaders()
                    .add("Link", "<http://localhost:" + x.getLocalAddress().getPort() + "/steal?page=2>; rel=\"next\"");
            byte[] body = "[{\"id\":1}]".getBytes();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        other.start();
        try {
            GitHubApi api = new GitHubApi(
                    URI.create("http://127.0.0.1:" + other.getAddress().getPort()), FakeGitHub.TOKEN, "test");
            assertThatThrownBy(() -> api.getAll("/repos/acme/shop/issues/1/comments?per_page=100"))
                    .hasMessageContaining("is on another host (localhost); not followed");
        } finally {
            other.stop(0);
        }
    }
}
