package dev.previews.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Argo CD health check's own test cases (health_test.yaml, Argo CD's format), executed by a
 * real Lua interpreter; and the argocd-cm snippet carries exactly that script.
 */
class ArgoHealthTest {
    static final Path TESTS = ArgoHealth.DIR.resolve("health_test.yaml");
    static final Path CM_PATCH = Manifests.ROOT.resolve("deploy/argocd/argocd-cm-patch.yaml");
    static final String KEY = "resource.customizations.health.previews.dev_PreviewDeployment";

    static Stream<Arguments> cases() {
        return Manifests.documents(TESTS)
                .get(0)
                .get("tests")
                .valueStream()
                .map(t -> Arguments.of(
                        t.get("inputPath").asText(),
                        t.at("/healthStatus/status").asText(),
                        t.at("/healthStatus/message").asText()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void healthOfEachFixture(String input, String status, String message) {
        JsonNode resource = Manifests.documents(ArgoHealth.DIR.resolve(input)).get(0);
        assertThat(ArgoHealth.of(resource)).isEqualTo(new ArgoHealth.Status(status, message));
    }

    @Test
    void everyFixtureIsTestedAndEveryStatusIsCovered() throws Exception {
        List<String> referenced = cases().map(a -> (String) a.get()[0]).toList();
        try (Stream<Path> files = Files.list(ArgoHealth.DIR.resolve("testdata"))) {
            assertThat(files.map(f -> "testdata/" + f.getFileName())).containsExactlyInAnyOrderElementsOf(referenced);
        }
        assertThat(cases().map(a -> (String) a.get()[1]).distinct())
                .containsExactlyInAnyOrder("Healthy", "Progressing", "Degraded", "Suspended");
    }

    @Test
    void theArgocdCmPatchCarriesTheSameScript() throws Exception {
        JsonNode patch = Manifests.documents(CM_PATCH).get(0);
        assertThat(patch.get("data").get(KEY).asText()).isEqualTo(Files.readString(ArgoHealth.SCRIPT));
    }
}
