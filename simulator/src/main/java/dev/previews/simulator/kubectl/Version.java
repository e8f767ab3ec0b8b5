package dev.previews.simulator.kubectl;

import static dev.previews.simulator.kubectl.Store.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * {@code GET /version}. The sandbox says it is Kubernetes 1.32: what it serves (aggregated discovery,
 * OpenAPI v3, server-side field validation) is what a 1.32 API server serves, and kubectl 1.32 is what
 * it is tested with. The build metadata says it is the sandbox.
 */
final class Version {
    static final String GIT_VERSION = "v1.32.0+sandbox";

    private Version() {}

    static ObjectNode document() {
        String arch = System.getProperty("os.arch").replace("x86_64", "amd64");
        return JSON.createObjectNode()
                .put("major", "1")
                .put("minor", "32")
                .put("gitVersion", GIT_VERSION)
                .put("gitCommit", "")
                .put("gitTreeState", "")
                .put("buildDate", "")
                .put("goVersion", "")
                .put("compiler", "")
                .put("platform", System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + arch);
    }
}
