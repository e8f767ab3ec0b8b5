package dev.previews.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, where crds/, deploy/, helm/, examples/ and bin/ are, for tests in any module. */
public final class Repository {
    private Repository() {}

    /** The root Maven gives the tests (system property {@code repo.root}), else the first folder up with a .mvn. */
    public static Path root() {
        String set = System.getProperty("repo.root");
        if (set != null && !set.isBlank()) {
            return Path.of(set).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".mvn"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no repository root above " + Path.of("").toAbsolutePath() + " (set -Drepo.root)");
        }
        return dir;
    }

    public static Path path(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
