package dev.previews.e2e;

import static dev.previews.e2e.Expect.ready;
import static dev.previews.testing.Previews.COMMIT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `kubectl get pd` as the API server renders it: the CRD's printer columns through the Table API
 * (kubectl asks for {@code application/json;as=Table;v=v1;g=meta.k8s.io} and prints what it gets).
 */
@EndToEnd
class KubectlGetE2E {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    @Test
    void kubectlGetPdShowsBranchCommitPhaseUrlExpiresAndAge_andWideAddsPlanSeededExternal(E2EEnvironment env)
            throws Exception {
        try (TestNamespace ns = env.namespace("kubectl", null)) {
            ns.create(Previews.withSeed(Previews.preview(ns.name(), "feature-login", "feature/login")));
            PreviewDeployment p = ns.awaitPreview("feature-login", ready());

            JsonNode table = table(env, "/apis/previews.dev/v1alpha1/namespaces/" + ns.name() + "/previewdeployments");
            assertThat(table.get("kind").asText()).isEqualTo("Table");
            List<String> columns = new ArrayList<>();
            List<String> wide = new ArrayList<>();
            table.get("columnDefinitions")
                    .forEach(c -> (c.get("priority").asInt() == 0 ? columns : wide)
                            .add(c.get("name").asText()));
            assertThat(columns).containsExactly("Name", "Branch", "Commit", "Phase", "URL", "Expires", "Age");
            assertThat(wide).containsExactly("Plan", "Seeded", "External", "Next", "Rollover");

            assertThat(table.get("rows")).hasSize(1);
            List<String> cells = new ArrayList<>();
            table.get("rows").get(0).get("cells").forEach(c -> cells.add(c.isNull() ? null : c.asText()));
            assertThat(cells.subList(0, 6))
                    .containsExactly(
                            "feature-login",
                            "feature/login",
                            COMMIT_A.substring(0, 7),
                            "Ready",
                            "http://feature-login." + ns.name() + ".svc.cluster.local",
                            p.getStatus().getExpiresAt());
            assertThat(cells.get(6)).as("Age").matches("\\d+[sm]");
            assertThat(cells.get(7)).as("Plan").isEqualTo("starter");
            assertThat(cells.get(8)).as("Seeded").isEqualTo("True");
            assertThat(cells.get(9)).as("External (no ingress host)").isNullOrEmpty();

            // kubectl get pd/feature-login: the same columns for one object
            JsonNode one = table(
                    env, "/apis/previews.dev/v1alpha1/namespaces/" + ns.name() + "/previewdeployments/feature-login");
            assertThat(one.get("rows").get(0).get("cells").get(3).asText()).isEqualTo("Ready");
            System.err.println("[e2e] kubectl get pd -o wide, as the Table API renders it:\n" + render(table));
        }
    }

    /** GET with kubectl's Accept header for tables. */
    static JsonNode table(E2EEnvironment env, String path) throws Exception {
        HttpClient http = env.admin().getHttpClient();
        String url = env.admin().getMasterUrl().toString().replaceFirst("/$", "") + path;
        HttpResponse<String> response = http.sendAsync(
                        http.newHttpRequestBuilder()
                                .uri(url)
                                .header("Accept", TABLE)
                                .build(),
                        String.class)
                .get(30, TimeUnit.SECONDS);
        assertThat(response.code())
                .as("GET %s as a Table: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String render(JsonNode table) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        table.get("columnDefinitions")
                .forEach(c -> header.add(c.get("name").asText().toUpperCase()));
        out.append(String.join("  ", header)).append('\n');
        table.get("rows").forEach(r -> {
            List<String> cells = new ArrayList<>();
            r.get("cells").forEach(c -> cells.add(c.isNull() || c.asText().isEmpty() ? "<none>" : c.asText()));
            out.append(String.join("  ", cells)).append('\n');
        });
        return out.toString();
    }
}
