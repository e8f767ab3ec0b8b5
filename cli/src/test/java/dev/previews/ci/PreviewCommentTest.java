package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pull-request comment's Markdown. */
class PreviewCommentTest {
    static final String HEAD = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    static final String MERGE = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";
    static final Instant AT = Instant.parse("2026-12-06T10:15:30.123Z");

    static PreviewComment comment(
            PreviewComment.State state, String url, boolean inCluster, String phase, String problem, String details) {
        return new PreviewComment(
                state,
                "feature-login-48fad082",
                "previews",
                url,
                inCluster,
                HEAD,
                MERGE,
                phase,
                "2026-12-11T10:15:30Z",
                problem,
                details,
                "https://github.com/acme/shop/actions/runs/42",
                AT);
    }

    @Test
    void aReadyPreviewShowsUrlCommitPhaseExpiryAndWhatToDoWithIt() {
        String md = comment(
                        PreviewComment.State.READY,
                        "https://feature-login.previews.example.com",
                        false,
                        "Ready",
                        null,
                        null)
                .markdown();

        assertThat(md).isEqualTo("""
                ### Preview `feature-login-48fad082`: ready

                | | |
                | --- | --- |
                | URL | https://feature-login.previews.example.com |
                | Commit | `3f2a9c1` (the preview runs `9b8a7c6`) |
                | Phase | Ready |
                | Expires | 2026-12-11T10:15:30Z |
                | Namespace | `previews` |

                Extend it: `preview extend feature-login-48fad082 -n previews --by 2d` · delete it: `preview delete feature-login-48fad082 -n previews`

                <sub>Updated by [this run](https://github.com/acme/shop/actions/runs/42) at 2026-12-06T10:15:30Z</sub>
                """);
    }

    @Test
    void aFailureSaysWhyAndKeepsTheSeedsOutputInACodeBlockItCannotEscape() {
        String output = "the seed failed\n```\nERROR: relation \"orders\" | does not exist";
        String md = comment(
                        PreviewComment.State.FAILED,
                        "http://feature-login.previews.svc.cluster.local",
                        true,
                        "SeedFailed",
                        "the seed failed (BackoffLimitExceeded): ERROR: relation \"orders\" | does not exist",
                        output)
                .markdown();

        assertThat(md)
                .startsWith("### Preview `feature-login-48fad082`: failed\n")
                .contains("| URL | http://feature-login.previews.svc.cluster.local (inside the cluster only) |")
                .contains("| Phase | SeedFailed |")
                .contains("**Why:** the seed failed (BackoffLimitExceeded): ERROR: relation \"orders\" \\| does not "
                        + "exist\n")
                .contains("<details><summary>What the deploy said</summary>\n\n````text\n" + output + "\n````\n"
                        + "</details>")
                .contains("`preview delete feature-login-48fad082 -n previews`");
    }

    @Test
    void whileDeployingTheUrlIsNotYetKnown() {
        String md = comment(PreviewComment.State.DEPLOYING, null, false, "Deploying", null, null)
                .markdown();

        assertThat(md)
                .startsWith("### Preview `feature-login-48fad082`: deploying `3f2a9c1`...\n")
                .contains("| URL | not yet known |")
                .contains("| Phase | Deploying |");
    }

    @Test
    void aDeletedPreviewSaysSoAndNothingElse() {
        String md = comment(PreviewComment.State.DELETED, null, false, null, null, null)
                .markdown();

        assertThat(md).isEqualTo("""
                ### Preview `feature-login-48fad082`: deleted

                The preview was deleted; its URL no longer answers. A new push deploys it again.

                <sub>Updated by [this run](https://github.com/acme/shop/actions/runs/42) at 2026-12-06T10:15:30Z</sub>
                """);
    }

    @Test
    void codeSpansSurviveBackticks() {
        assertThat(PreviewComment.code("a`b")).isEqualTo("`` a`b ``");
        assertThat(PreviewComment.code("plain")).isEqualTo("`plain`");
    }
}
