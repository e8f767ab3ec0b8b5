package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.testing.Previews;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployments and the sticky comment against the local GitHub: the exact requests and what GitHub holds after. */
class GitHubDeploymentsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    FakeGitHub github;
    GitHubApi api;
    GitHubDeployments deployments;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub();
        api = new GitHubApi(github.apiUrl(), FakeGitHub.TOKEN, "preview-operator-cli/test");
        deployments = new GitHubDeployments(api, "acme", "shop");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void aDeploymentIsMadeOnTheCommitInTheBranchsEnvironment() throws Exception {
        long id = deployments.create(Previews.COMMIT_A, "preview/feature/login", "Preview feature-login-48fad082");
        deployments.status(id, "in_progress", null, "https://github.com/acme/shop/actions/runs/42", "Deploying");

        assertThat(github.lines())
                .containsExactly(
                        "POST /repos/acme/shop/deployments", "POST /repos/acme/shop/deployments/" + id + "/statuses");
        assertThat(github.requests.get(0).body())
                .isEqualTo(
                        JSON.readTree(
                                "{\"ref\":\"" + Previews.COMMIT_A + "\",\"environment\":\"preview/feature/login\","
                                        + "\"description\":\"Preview feature-login-48fad082\",\"auto_merge\":false,"
                                        + "\"transient_environment\":true,\"production_environment\":false,\"required_contexts\":[]}"));
        assertThat(github.requests.get(1).body())
                .isEqualTo(
                        JSON.readTree(
                                "{\"state\":\"in_progress\","
                                        + "\"log_url\":\"https://github.com/acme/shop/actions/runs/42\",\"description\":\"Deploying\"}"));
    }

    @Test
    void descriptionsAreCutTo140Characters() {
        String cut = GitHubDeployments.description("x".repeat(200) + "\n second line");
        assertThat(cut).hasSize(140).endsWith("...");
        assertThat(GitHubDeployments.description("two\nlines")).isEqualTo("two lines");
    }

    @Test
    void inactivatingMarksEveryDeploymentOfTheEnvironmentAndNoOther() throws Exception {
        long a = deployments.create(Previews.COMMIT_A, "preview/feature/login", "a");
        long b = deployments.create(Previews.COMMIT_B, "preview/feature/login", "b");
        long other = deployments.create(Previews.COMMIT_A, "preview/main", "c");
        github.reset();

        int n = deployments.inactivate("preview/feature/login", null, "Preview deleted");

        assertThat(n).isEqualTo(2);
        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/deployments?environment=preview%2Ffeature%2Flogin&per_page=100",
                        "POST /repos/acme/shop/deployments/" + b + "/statuses",
                        "POST /repos/acme/shop/deployments/" + a + "/statuses");
        assertThat(github.requests.get(1).body())
                .isEqualTo(JSON.readTree("{\"state\":\"inactive\",\"description\":\"Preview deleted\"}"));
        assertThat(github.deployments)
                .filteredOn(d -> d.id() == other)
                .singleElement()
                .satisfies(d -> assertThat(d.statuses()).isEmpty());
    }

    @Test
    void theCommentIsPostedOnceThenFoundByItsMarkerOnALaterPageAndUpdated() throws Exception {
        for (int i = 0; i < 150; i++) github.addComment(7, "reviewer", "looks good " + i);
        github.addComment(7, "reviewer", "> " + StickyComment.marker("previews", "feature-login") + "\n> quoted");
        StickyComment first = new StickyComment(api, "acme", "shop", 7, "previews", "feature-login");

        first.upsert("one");
        first.upsert("two");

        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "GET /repositories/4242/issues/7/comments?per_page=100&page=2",
                        "POST /repos/acme/shop/issues/7/comments",
                        "PATCH /repos/acme/shop/issues/comments/" + ours().id());

        // a later job finds it again, on the second page, and never posts another
        github.reset();
        new StickyComment(api, "acme", "shop", 7, "previews", "feature-login").upsert("three");

        assertThat(github.lines())
                .containsExactly(
                        "GET /repos/acme/shop/issues/7/comments?per_page=100",
                        "GET /repositories/4242/issues/7/comments?per_page=100&page=2",
                        "PATCH /repos/acme/shop/issues/comments/" + ours().id());
        assertThat(github.requests.get(2).body())
                .isEqualTo(JSON.createObjectNode()
                        .put("body", "<!-- preview-operator: preview previews/feature-login -->\nthree"));
        assertThat(ours().body()).isEqualTo("<!-- preview-operator: preview previews/feature-login -->\nthree");
        assertThat(github.comments(7)).hasSize(152);
    }

    private FakeGitHub.Comment ours() {
        return github.comments(7).stream()
                .filter(c -> c.user().equals("github-actions[bot]"))
                .reduce((a, b) -> {
                    throw new AssertionError("two comments of the preview: " + a + ", " + b);
                })
                .orElseThrow();
    }

    @Test
    void anotherPreviewsCommentIsNotTouched() throws Exception {
        new StickyComment(api, "acme", "shop", 7, "previews", "api").upsert("api's");
        new StickyComment(api, "acme", "shop", 7, "previews", "web").upsert("web's");

        assertThat(github.comments(7))
                .extracting(FakeGitHub.Comment::body)
                .containsExactly(
                        "<!-- preview-operator: preview previews/api -->\napi's",
                        "<!-- preview-operator: preview previews/web -->\nweb's");
        assertThat(new StickyComment(api, "acme", "shop", 7, "other", "api").updateIfPresent("gone"))
                .isFalse();
        assertThat(github.lines()).last().asString().startsWith("GET ");
    }
}
