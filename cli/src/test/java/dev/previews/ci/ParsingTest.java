package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParsingTest {
    @Test
    void keepListReadsGitLsRemoteOutputAndPlainNames() {
        String lsRemote = """
        3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\tHEAD
        3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\trefs/heads/main
        9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\trefs/heads/feature/login
        9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\trefs/tags/v1.0
        9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\trefs/pull/7/head
        """;
        assertThat(KeepList.parse(lsRemote)).containsExactly("main", "feature/login");
        assertThat(KeepList.parse("# branches\nmain\r\n\n  fix/cart  \nrefs/heads/release/2.0\n"))
                .containsExactly("main", "fix/cart", "release/2.0");
        assertThat(KeepList.parse("\n\n")).isEmpty();
    }

    @Test
    void wordsSplitLikeAShellWithoutExpansion() {
        assertThat(Words.split("/app/seed --fixtures demo")).containsExactly("/app/seed", "--fixtures", "demo");
        assertThat(Words.split("sh -c 'npm run seed && echo $DONE'"))
                .containsExactly("sh", "-c", "npm run seed && echo $DONE");
        assertThat(Words.split("echo \"a \\\"b\\\"\" c\\ d ''")).containsExactly("echo", "a \"b\"", "c d", "");
        assertThat(Words.split("  ")).isEqualTo(List.of());
        assertThatThrownBy(() -> Words.split("echo 'oops"))
                .isInstanceOf(CliFailure.class)
                .hasMessageContaining("unterminated");
    }
}
