package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where --github finds the repository, the token, the pull request and the commit. */
class GitHubContextTest {
    static final String HEAD = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    static final String MERGE = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";
    static final String FLAG = "1111111111111111111111111111111111111111";

    @TempDir
    Path tmp;

    static Terminal env(Map<String, String> vars) {
        return new Terminal(vars, Path.of("/nonexistent"), InputStream.nullInputStream(), Clock.systemUTC());
    }

    Map<String, String> actions(String... more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "GITHUB_REPOSITORY", "acme/shop",
                "GITHUB_TOKEN", "ghs_x",
                "GITHUB_SHA", MERGE,
                "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_RUN_ID", "42"));
        for (int i = 0; i + 1 < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    Path event(String json) throws Exception {
        return Files.writeString(tmp.resolve("event.json"), json);
    }

    @Test
    void aPullRequestEventGivesTheNumberAndTheHeadCommit() throws Exception {
        Path event = event("{\"action\":\"synchronize\",\"number\":7,\"pull_request\":{\"number\":7,"
                + "\"head\":{\"ref\":\"feature/login\",\"sha\":\"" + HEAD + "\"}}}");

        GitHubContext c = GitHubContext.from(
                env(actions("GITHUB_EVENT_PATH", event.toString(), "GITHUB_REF", "refs/pull/7/merge")), null);

        assertThat(c.usable()).isTrue();
        assertThat(c.owner()).isEqualTo("acme");
        assertThat(c.repo()).isEqualTo("shop");
        assertThat(c.pullRequest()).isEqualTo(7);
        assertThat(c.commit()).as("the head, not the test merge commit").isEqualTo(HEAD);
        assertThat(c.apiUrl()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(c.runUrl()).isEqualTo("https://github.com/acme/shop/actions/runs/42");
    }

    @Test
    void theCommitFlagComesFirst() throws Exception {
        Path event = event("{\"pull_request\":{\"number\":7,\"head\":{\"sha\":\"" + HEAD + "\"}}}");

        GitHubContext c = GitHubContext.from(env(actions("GITHUB_EVENT_PATH", event.toString())), FLAG.toUpperCase());

        assertThat(c.commit()).isEqualTo(FLAG);
    }

    @Test
    void withoutAnEventTheRefNamesThePullRequestAndGithubShaTheCommit() {
        GitHubContext c = GitHubContext.from(env(actions("GITHUB_REF", "refs/pull/12/merge")), null);

        assertThat(c.pullRequest()).isEqualTo(12);
        assertThat(c.commit()).isEqualTo(MERGE);
    }

    @Test
    void aPushHasNoPullRequest() throws Exception {
        Path event = event("{\"ref\":\"refs/heads/main\",\"after\":\"" + MERGE + "\"}");

        GitHubContext c = GitHubContext.from(
                env(actions("GITHUB_EVENT_PATH", event.toString(), "GITHUB_REF", "refs/heads/main")), null);

        assertThat(c.usable()).isTrue();
        assertThat(c.pullRequest()).isNull();
        assertThat(c.commit()).isEqualTo(MERGE);
    }

    @Test
    void anUnreadableEventFileIsNoEvent() throws Exception {
        Path event = event("{not json");

        GitHubContext c = GitHubContext.from(
                env(actions("GITHUB_EVENT_PATH", event.toString(), "GITHUB_REF", "refs/pull/3/merge")), null);

        assertThat(c.pullRequest()).isEqualTo(3);
        assertThat(c.commit()).isEqualTo(MERGE);
    }

    @Test
    void gitHubEnterpriseKeepsItsApiPath() {
        GitHubContext c = GitHubContext.from(env(actions("GITHUB_API_URL", "https://ghe.example.com/api/v3/")), null);

        assertThat(c.apiUrl()).isEqualTo(URI.create("https://ghe.example.com/api/v3"));
    }

    @Test
    void missingSettingsAreNamedAndTheTokenIsNeverShown() {
        GitHubContext none = GitHubContext.from(env(Map.of()), null);
        assertThat(none.usable()).isFalse();
        assertThat(none.problems())
                .containsExactly(
                        "GITHUB_REPOSITORY is not set (it is in GitHub Actions: owner/name)",
                        "GITHUB_TOKEN is not set (pass it to the step: env: GITHUB_TOKEN: ${{ github.token }})");
        assertThat(none.commit()).isNull();
        assertThat(none.runUrl()).isNull();

        GitHubContext bad = GitHubContext.from(
                env(actions("GITHUB_REPOSITORY", "acme", "GITHUB_API_URL", "ftp://example.com")), null);
        assertThat(bad.problems())
                .containsExactly(
                        "GITHUB_REPOSITORY 'acme' is not owner/name",
                        "GITHUB_API_URL 'ftp://example.com' is not an http(s) URL");

        GitHubContext good = GitHubContext.from(env(actions()), null);
        assertThat(good.toString()).doesNotContain("ghs_x");
    }
}
