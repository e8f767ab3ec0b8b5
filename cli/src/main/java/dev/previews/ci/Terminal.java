package dev.previews.ci;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a CI command reads from the world besides its arguments: the environment, the home directory
 * ($HOME, as kubectl reads it, for ~/.kube/config), standard input (for `prune --keep-branches -`)
 * and the clock. Tests pass their own, so that detection and errors do not depend on the machine
 * running them.
 */
public record Terminal(Map<String, String> env, Path home, InputStream in, Clock clock) {
    public static Terminal system() {
        String home = System.getenv("HOME");
        return new Terminal(
                System.getenv(),
                Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home", ".")),
                System.in,
                Clock.systemUTC());
    }

    /** The variable's value, or null when it is unset or blank. */
    public String get(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
