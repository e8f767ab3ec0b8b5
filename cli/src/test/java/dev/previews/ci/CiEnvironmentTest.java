package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiEnvironmentTest {
    static final String SHA = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    static final String SHA2 = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";

    static Terminal env(Map<String, String> vars) {
        return new Terminal(vars, Path.of("/nonexistent"), InputStream.nullInputStream(), Clock.systemUTC());
    }

    @Test
    void vercel() {
        var s = CiEnvironment.resolve(
                null,
                null,
                env(Map.of("VERCEL", "1", "VERCEL_GIT_COMMIT_REF", "feature/login", "VERCEL_GIT_COMMIT_SHA", SHA)));
        assertThat(s).isEqualTo(new CiEnvironment.Source("feature/login", SHA, "Vercel"));
    }

    @Test
    void netlify() {
        var s = CiEnvironment.resolve(
                null,
                null,
                env(Map.of("NETLIFY", "true", "HEAD", "fix/cart", "COMMIT_REF", SHA, "BRANCH", "fix/cart")));
        assertThat(s).isEqualTo(new CiEnvironment.Source("fix/cart", SHA, "Netlify"));
    }

    @Test
    void githubPullRequestUsesTheHeadBranchNotTheMergeRef() {
        var s = CiEnvironment.resolve(
                null,
                null,
                env(Map.of(
                        "GITHUB_ACTIONS",
                        "true",
                        "GITHUB_HEAD_REF",
                        "feature/search",
                        "GITHUB_REF_NAME",
                        "42/merge",
                        "GITHUB_SHA",
                        SHA)));
        assertThat(s).isEqualTo(new CiEnvironment.Source("feature/search", SHA, "GitHub Actions"));
    }

    @Test
    void githubPushHasAnEmptyHeadRefAndUsesTheRefName() {
        var s = CiEnvironment.resolve(
                null,
                null,
                env(Map.of(
                        "GITHUB_ACTIONS",
                        "true",
                        "GITHUB_HEAD_REF",
                        "",
                        "GITHUB_REF_NAME",
                        "main",
                        "GITHUB_SHA",
                        SHA)));
        assertThat(s).isEqualTo(new CiEnvironment.Source("main", SHA, "GitHub Actions"));
    }

    @Test
    void gitlab() {
        var s = CiEnvironment.resolve(
                null,
                null,
                env(Map.of("GITLAB_CI", "true", "CI_COMMIT_REF_NAME", "release/2.0", "CI_COMMIT_SHA", SHA)));
        assertThat(s).isEqualTo(new CiEnvironment.Source("release/2.0", SHA, "GitLab CI"));
    }

    @Test
    void flagsWinOverTheEnvironmentFieldByField() {
        Terminal github = env(Map.of("GITHUB_ACTIONS", "true", "GITHUB_REF_NAME", "main", "GITHUB_SHA", SHA));
        assertThat(CiEnvironment.resolve("hotfix", SHA2, github))
                .isEqualTo(new CiEnvironment.Source("hotfix", SHA2, "--branch and --commit"));
        assertThat(CiEnvironment.resolve(null, SHA2, github))
                .isEqualTo(new CiEnvironment.Source("main", SHA2, "--commit and GitHub Actions"));
        assertThat(CiEnvironment.resolve("refs/heads/hotfix", null, github))
                .isEqualTo(new CiEnvironment.Source("hotfix", SHA, "--branch and GitHub Actions"));
    }

    @Test
    void upperCaseShasAreAcceptedAndNonShasRefused() {
        assertThat(CiEnvironment.resolve("main", SHA.toUpperCase(), env(Map.of()))
                        .commit())
                .isEqualTo(SHA);
        assertThatThrownBy(() -> CiEnvironment.resolve("main", "HEAD~1", env(Map.of())))
                .isInstanceOfSatisfying(
                        CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
                .hasMessageContaining("not a git commit SHA");
    }

    @Test
    void withoutFlagsOrCiTheErrorNamesEveryVariable() {
        assertThatThrownBy(() -> CiEnvironment.resolve(null, null, env(Map.of("HOME", "/root"))))
                .isInstanceOfSatisfying(
                        CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
                .hasMessageContaining("cannot tell which branch and commit to deploy")
                .hasMessageContaining("--branch and --commit")
                .hasMessageContaining("VERCEL_GIT_COMMIT_REF, VERCEL_GIT_COMMIT_SHA")
                .hasMessageContaining("HEAD, COMMIT_REF")
                .hasMessageContaining("GITHUB_HEAD_REF or GITHUB_REF_NAME, GITHUB_SHA")
                .hasMessageContaining("CI_COMMIT_REF_NAME, CI_COMMIT_SHA");
    }

    @Test
    void aCiWithAMissingVariableIsNamed() {
        assertThatThrownBy(() ->
                        CiEnvironment.resolve(null, null, env(Map.of("VERCEL", "1", "VERCEL_GIT_COMMIT_REF", "main"))))
                .hasMessageContaining("cannot tell which commit to deploy (this looks like Vercel")
                .hasMessageContaining("Pass --commit");
    }

    @Test
    void netlifysGenericHeadVariableAloneIsNotTakenForNetlify() {
        assertThat(CiEnvironment.detect(env(Map.of("HEAD", "main")))).isEmpty();
        assertThat(CiEnvironment.branch(null, env(Map.of("HEAD", "main")))).isNull();
        assertThat(CiEnvironment.branch(null, env(Map.of("NETLIFY", "true", "HEAD", "main"))))
                .isEqualTo("main");
    }
}
