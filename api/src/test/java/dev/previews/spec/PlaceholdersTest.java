package dev.previews.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    @Test
    void expandsImagePlaceholdersWithATagSafeBranch() throws Exception {
        var values = Placeholders.forImage("feature/Login#2", "a1b2c3d4e5f6a7b8");
        assertThat(Placeholders.expand("f", "r.io/app:{{shortCommit}}", values)).isEqualTo("r.io/app:a1b2c3d");
        assertThat(Placeholders.expand("f", "r.io/app:{{ commit }}", values)).isEqualTo("r.io/app:a1b2c3d4e5f6a7b8");
        assertThat(Placeholders.expand("f", "r.io/app:{{branch}}", values)).isEqualTo("r.io/app:feature-Login-2");
        assertThat(Placeholders.expand("f", "r.io/app:latest", values)).isEqualTo("r.io/app:latest");
    }

    @Test
    void unknownPlaceholdersAndStrayBracesAreReportedWithTheField() {
        var values = Placeholders.forImage("main", "a1b2c3d");
        assertThatThrownBy(() -> Placeholders.expand("spec.backend.image", "r.io/app:{{tag}}", values))
                .hasMessageContaining("spec.backend.image")
                .hasMessageContaining("{{tag}}")
                .hasMessageContaining("{{shortCommit}}");
        assertThatThrownBy(() -> Placeholders.expand("spec.backend.image", "r.io/app:{{commit", values))
                .hasMessageContaining("unbalanced");
    }

    @Test
    void branchSlugs() {
        assertThat(Placeholders.dnsSafe("Feature/Login__Page")).isEqualTo("feature-login-page");
        assertThat(Placeholders.dnsSafe("---")).startsWith("branch-");
        assertThat(Placeholders.dnsSafe("x".repeat(100))).hasSize(63);
        assertThat(Placeholders.tagSafe(".hidden/branch")).isEqualTo("hidden-branch");
        assertThat(Placeholders.tagSafe("y".repeat(200))).hasSize(128);
    }
}
