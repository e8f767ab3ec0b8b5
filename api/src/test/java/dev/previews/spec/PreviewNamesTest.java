package dev.previews.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreviewNamesTest {
    @Test
    void seedJobNameCarriesPreviewShortCommitAndFingerprintWithinSixtyThreeCharacters() {
        assertThat(PreviewNames.seedJobName("login", "a1b2c3d4e5f6", "abc123")).isEqualTo("login-seed-a1b2c3d-abc123");
        String longName = "a".repeat(63);
        String job = PreviewNames.seedJobName(longName, "a1b2c3d4e5f6", "abc123");
        assertThat(job).hasSize(63).endsWith("-seed-a1b2c3d-abc123");
        assertThat(PreviewNames.seedJobName("x".repeat(42) + "-" + "y".repeat(20), "a1b2c3d", "abc123"))
                .doesNotContain("--");
    }

    @Test
    void previewNamesMustBeValidServiceNames() {
        assertThat(PreviewNames.problemWithPreviewName("feature-login")).isEmpty();
        assertThat(PreviewNames.problemWithPreviewName("1-login"))
                .get()
                .asString()
                .contains("not a valid Service name");
        assertThat(PreviewNames.problemWithPreviewName("a.b")).isPresent();
        assertThat(PreviewNames.problemWithPreviewName("a".repeat(64)))
                .get()
                .asString()
                .contains("longer than 63");
    }

    @Test
    void urlAndShortCommit() {
        assertThat(PreviewNames.serviceUrl("login", "team-a")).isEqualTo("http://login.team-a.svc.cluster.local");
        assertThat(PreviewNames.shortCommit("a1b2c3d4e5")).isEqualTo("a1b2c3d");
        assertThat(PreviewNames.shortHash("x", 6))
                .hasSize(6)
                .isEqualTo(PreviewNames.shortHash("x", 6))
                .isNotEqualTo(PreviewNames.shortHash("y", 6));
    }
}
