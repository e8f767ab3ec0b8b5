package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.simulator.MockApi;
import dev.previews.simulator.SandboxApi;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The front at the HTTP level, without kubectl (the kubectl tests in devtools run the binary where there
 * is one): the requests kubectl makes and what they get.
 */
class KubectlFrontTest {
    private static final String PREVIEWS = "/apis/previews.dev/v1alpha1/namespaces/team-a/previewdeployments";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

    final SandboxApi api = SandboxApi.start(0);
    final KubernetesClient client = api.mock().createClient();
    final HttpClient http = HttpClient.newHttpClient();

    KubectlFrontTest() {
        MockApi.installCrd(api.mock(), client);
    }

    @AfterEach
    void close() {
        client.close();
        api.close();
    }

    @Test
    void discoveryTellsOfPreviews_aggregatedWhenAsked() throws Exception {
        HttpResponse<String> aggregated = get("/apis", Discovery.AGGREGATED_TYPE + ",application/json");
        assertThat(aggregated.headers().firstValue("Content-Type")).contains(Discovery.AGGREGATED_TYPE);
        JsonNode previews = find(Store.parse(aggregated.body()).path("items"), "previews.dev")
                .path("versions")
                .get(0)
                .path("resources")
                .get(0);
        assertThat(previews.path("resource").asText()).isEqualTo("previewdeployments");
        assertThat(previews.path("shortNames").toString()).isEqualTo("[\"pd\",\"preview\"]");
        assertThat(previews.path("subresources").get(0).path("subresource").asText())
                .isEqualTo("status");

        JsonNode legacy = Store.parse(
                get("/apis/previews.dev/v1alpha1", "application/json").body());
        assertThat(legacy.path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(legacy.path("resources").get(0).path("name").asText()).isEqualTo("previewdeployments");
        assertThat(get("/apis/previews.dev/v9", "application/json").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aTableHasThePrinterColumns_andTheRowsTheObjectsMetadata() throws Exception {
        client.resource(Previews.preview("team-a", "login", "feature/login")).create();

        JsonNode table = Store.parse(get(PREVIEWS, TABLE).body());

        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("columnDefinitions").findValuesAsText("name"))
                .containsExactly(
                        "Name",
                        "Branch",
                        "Commit",
                        "Phase",
                        "URL",
                        "Expires",
                        "Age",
                        "Plan",
                        "Seeded",
                        "External",
                        "Next",
                        "Rollover");
        JsonNode row = table.path("rows").get(0);
        assertThat(row.path("cells").get(0).asText()).isEqualTo("login");
        assertThat(row.path("cells").get(1).asText()).isEqualTo("feature/login");
        assertThat(row.path("cells").get(2).isNull()).as("no status yet").isTrue();
        assertThat(row.path("cells").get(6).asText()).matches("\\d+s");
        assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row.path("object").path("metadata").path("namespace").asText())
                .isEqualTo("team-a");
    }

    @Test
    void aWatchOverHttpSendsWhatChangesAfterItsVersion_oneEventPerLine_andEndsWhenAsked() throws Exception {
        client.resource(Previews.preview("team-a", "login", "feature/login")).create();
        String version = Store.parse(get(PREVIEWS, "application/json").body())
                .path("metadata")
                .path("resourceVersion")
                .asText();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Void>> watch = http.sendAsync(
                HttpRequest.newBuilder(URI.create(
                                api.url() + PREVIEWS + "?watch=true&timeoutSeconds=3&resourceVersion=" + version))
                        .build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(lines)));

        client.resource(Previews.preview("team-a", "cart", "feature/cart")).create();
        // once cart is there the watch is running (the mock sends what exists when a watch starts, so cart comes
        // either way); login changes after that
        await().atMost(Duration.ofSeconds(10)).until(() -> !lines.isEmpty());
        client.resources(PreviewDeployment.class)
                .inNamespace("team-a")
                .withName("login")
                .edit(p -> {
                    p.getSpec().setCommit(Previews.COMMIT_B);
                    return p;
                });

        await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 2);
        assertThat(lines)
                .extracting(l -> Store.parse(l).path("type").asText() + " "
                        + Store.parse(l)
                                .path("object")
                                .path("metadata")
                                .path("name")
                                .asText())
                .containsExactly("ADDED cart", "MODIFIED login");
        assertThat(watch.get().statusCode()).as("ended after timeoutSeconds").isEqualTo(200);
    }

    @Test
    void writesAreCheckedAgainstTheSchema_unknownFieldsRefusedOrDropped() throws Exception {
        client.resource(Previews.preview("team-a", "login", "feature/login")).create();
        String patch = "{\"spec\":{\"tll\":\"3d\"}}";

        HttpResponse<String> strict = patch(PREVIEWS + "/login?fieldValidation=Strict", patch);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(Store.parse(strict.body()).path("message").asText())
                .isEqualTo("PreviewDeployment in version \"v1alpha1\" cannot be handled as a PreviewDeployment:"
                        + " strict decoding error: unknown field \"spec.tll\"");

        HttpResponse<String> warned = patch(PREVIEWS + "/login", patch);
        assertThat(warned.statusCode()).isEqualTo(200);
        assertThat(warned.headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"spec.tll\\\"\"");
        assertThat(client.resources(PreviewDeployment.class)
                        .inNamespace("team-a")
                        .withName("login")
                        .get())
                .as("the operator's model reads it: the field was dropped")
                .isNotNull();

        HttpResponse<String> invalid = patch(PREVIEWS + "/login", "{\"spec\":{\"commit\":\"XYZ\"}}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(Store.parse(invalid.body()).path("message").asText())
                .isEqualTo("PreviewDeployment.previews.dev \"login\" is invalid: spec.commit: Invalid value: \"XYZ\":"
                        + " spec.commit in body should match '^[0-9a-f]{7,40}$'");

        HttpResponse<String> notJson = patch(PREVIEWS + "/login", "{spec:");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Store.parse(notJson.body()).path("message").asText()).startsWith("the request body is not JSON: ");
    }

    @Test
    void openApiV2_forKubectlBefore127_isProtobufWithTheCrdsSchema_andPatchTakesFieldValidation() throws Exception {
        HttpResponse<byte[]> v2 = http.send(
                HttpRequest.newBuilder(URI.create(api.url() + "/openapi/v2"))
                        .header("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(v2.statusCode()).isEqualTo(200);
        List<ProtobufBodies.Field> document = ProtobufBodies.fields(v2.body());
        assertThat(text(one(document, 1))).isEqualTo("2.0");
        // definitions (9) > additional_properties (1): NamedSchema {name 1, Schema 2}
        List<ProtobufBodies.Field> preview = ProtobufBodies.fields(one(document, 9)).stream()
                .map(f -> ProtobufBodies.fields(f.bytes()))
                .filter(named -> text(one(named, 1)).equals("dev.previews.v1alpha1.PreviewDeployment"))
                .map(named -> ProtobufBodies.fields(one(named, 2)))
                .findFirst()
                .orElseThrow();
        // the kind it is (vendor extension 31: NamedAny {name 1, Any {yaml 2}})
        assertThat(preview.stream().filter(f -> f.number() == 31).map(f -> ProtobufBodies.fields(f.bytes())))
                .anySatisfy(ext -> {
                    assertThat(text(one(ext, 1))).isEqualTo("x-kubernetes-group-version-kind");
                    assertThat(text(one(ProtobufBodies.fields(one(ext, 2)), 2)))
                            .isEqualTo(
                                    "[{\"group\":\"previews.dev\",\"kind\":\"PreviewDeployment\",\"version\":\"v1alpha1\"}]");
                });
        // properties (25) name spec, status, apiVersion, kind, metadata
        assertThat(ProtobufBodies.fields(one(preview, 25)).stream()
                        .map(f -> text(one(ProtobufBodies.fields(f.bytes()), 1))))
                .contains("spec", "status", "metadata");
        // paths (8) > path (2) > PathItem (2) > patch (8) > parameters (8): fieldValidation is there
        assertThat(new String(one(document, 8), StandardCharsets.UTF_8)).contains("fieldValidation");
    }

    private static byte[] one(List<ProtobufBodies.Field> fields, int number) {
        return fields.stream()
                .filter(f -> f.number() == number)
                .findFirst()
                .orElseThrow()
                .bytes();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(api.url() + path))
                        .header("Accept", accept)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> patch(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(api.url() + path))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/merge-patch+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode find(JsonNode items, String group) {
        for (JsonNode item : items) {
            if (item.path("metadata").path("name").asText().equals(group)) return item;
        }
        throw new AssertionError("no group " + group + " in " + items);
    }

    /** Collects the lines of a streamed body as they come. */
    private record LineCollector(List<String> lines) implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.isBlank()) lines.add(line);
        }

        @Override
        public void onError(Throwable error) {}

        @Override
        public void onComplete() {}
    }
}
