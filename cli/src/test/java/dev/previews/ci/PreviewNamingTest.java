package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.previews.spec.PreviewNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property-style: any branch gives a valid, stable name, and distinct branches give distinct names. */
class PreviewNamingTest {
    private static final String ALPHABET = "abcxyzABCXYZ0123456789-_./@#+~^:?*[] \t\\'\"éßİıЖ中😀";

    @Test
    void examples() {
        assertThat(PreviewNaming.nameFor("main")).isEqualTo("main");
        assertThat(PreviewNaming.nameFor("login-form")).isEqualTo("login-form");
        assertThat(PreviewNaming.nameFor("feature/login"))
                .isEqualTo("feature-login-" + PreviewNames.shortHash("feature/login", 8));
        assertThat(PreviewNaming.nameFor("Feature-Login"))
                .startsWith("feature-login-")
                .hasSize("feature-login-".length() + 8);
        assertThat(PreviewNaming.nameFor("123-fix")).startsWith("b-123-fix-");
        assertThat(PreviewNaming.nameFor("日本語")).startsWith("branch-");
        assertThat(PreviewNaming.nameFor("dependabot/npm_and_yarn/lodash-4.17.21"))
                .startsWith("dependabot-npm-and-yarn-lodash-4-17-21-");
        String looksHashed = "fix-" + PreviewNames.shortHash("x", 8);
        assertThat(PreviewNaming.nameFor(looksHashed)).isNotEqualTo(looksHashed).startsWith(looksHashed + "-");
    }

    @Test
    void anyBranchGivesAValidStableName() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            String branch = randomBranch(random);
            String name = PreviewNaming.nameFor(branch);
            if (PreviewNames.problemWithPreviewName(name).isPresent()
                    || !PreviewNaming.nameFor(branch).equals(name)) {
                fail(
                        "branch '%s' gave the name '%s': %s",
                        branch, name, PreviewNames.problemWithPreviewName(name).orElse("not stable"));
            }
        }
    }

    @Test
    void distinctBranchesGiveDistinctNames() {
        Random random = new Random(11);
        Map<String, String> branchByName = new HashMap<>();
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String branch = randomBranch(random);
            branches.add(branch);
            // near-collisions: the same branch in other case and punctuation, and a branch named like another's name
            branches.add(branch.toUpperCase());
            branches.add(branch.replace('/', '-'));
            branches.add(branch.replace('-', '_'));
            branches.add(PreviewNaming.nameFor(branch));
            branches.add(branch + "-" + PreviewNames.shortHash(branch, 8));
        }
        String longPrefix = "renovate/" + "a".repeat(60) + "-";
        for (int i = 0; i < 2_000; i++) {
            branches.add(longPrefix + i); // all cut to the same 54 characters before the hash
        }
        assertThat(branches).hasSizeGreaterThan(30_000);
        for (String branch : branches) {
            String name = PreviewNaming.nameFor(branch);
            String other = branchByName.putIfAbsent(name, branch);
            if (other != null && !other.equals(branch)) {
                fail("branches '%s' and '%s' both map to %s", other, branch, name);
            }
        }
    }

    private static String randomBranch(Random random) {
        int length = 1 + (random.nextInt(4) == 0 ? random.nextInt(255) : random.nextInt(30));
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            int cp = ALPHABET.codePointAt(
                    ALPHABET.offsetByCodePoints(0, random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length()))));
            if (sb.length() + Character.charCount(cp) > length) break;
            sb.appendCodePoint(cp);
        }
        return sb.length() == 0 ? "x" : sb.toString();
    }
}
