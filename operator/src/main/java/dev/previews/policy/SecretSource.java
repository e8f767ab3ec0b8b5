package dev.previews.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the configuration's secrets (a webhook's URL) are read: environment variables and files,
 * so that they stay out of the ConfigMap. Tests give their own.
 */
public interface SecretSource {
    /** The variable's value, or null when it is not set. */
    String env(String name);

    String file(Path path) throws IOException;

    /** The process's environment and file system. */
    static SecretSource system() {
        return new SecretSource() {
            @Override
            public String env(String name) {
                return System.getenv(name);
            }

            @Override
            public String file(Path path) throws IOException {
                return Files.readString(path);
            }
        };
    }
}
