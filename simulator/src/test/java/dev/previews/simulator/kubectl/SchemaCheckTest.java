package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.previews.api.CrdFinisher;
import dev.previews.testing.Repository;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes checked against the CRD's schema as the API server checks them. */
class SchemaCheckTest {
    private static final Schemas SCHEMAS = new Schemas();
    private static final ServedResource PREVIEWS = new ServedResource(
            "previews.dev",
            "v1alpha1",
            "PreviewDeployment",
            "previewdeployments",
            "previewdeployment",
            true,
            List.of("pd"),
            List.of(),
            null,
            Store.parse(Serialization.asJson(CrdFinisher.load()))
                    .path("spec")
                    .path("versions")
                    .get(0));

    @Test
    void theExamplePasses_andGetsTheSchemasDefaults() throws Exception {
        JsonNode example = new ObjectMapper(new YAMLFactory())
                .readTree(Repository.path("examples", "preview.yaml").toFile());

        SchemaCheck.Result result = check(example, null);

        assertThat(result.problems()).isEmpty();
        assertThat(result.unknown()).isEmpty();
        JsonNode spec = result.stored().path("spec");
        assertThat(spec.path("backend").path("replicas").asInt()).as("default").isEqualTo(1);
        assertThat(spec.path("backend").path("port").asInt()).as("set").isEqualTo(8080);
        assertThat(spec.path("seed").path("backoffLimit").asInt()).as("default").isZero();
        assertThat(spec.path("seed").path("activeDeadlineSeconds").asInt())
                .as("set")
                .isEqualTo(300);
        assertThat(spec.has("ingress")).as("no defaults in what is not there").isFalse();
        assertThat(example.path("spec").path("backend").has("replicas"))
                .as("the object checked is unchanged")
                .isFalse();
    }

    @Test
    void valuesTheSchemaRefusesAreNamed() {
        JsonNode preview = Store.parse("""
                {"apiVersion": "previews.dev/v1alpha1", "kind": "PreviewDeployment", "metadata": {"name": "x"},
                 "spec": {"branch": "", "commit": "XYZ", "backend": {"port": "8080", "replicas": 11}}}""");

        assertThat(check(preview, null).problems())
                .extracting(SchemaCheck.Problem::field, SchemaCheck.Problem::reason, SchemaCheck.Problem::message)
                .containsExactlyInAnyOrder(
                        tuple("spec.backend.image", "FieldValueRequired", "Required value"),
                        tuple(
                                "spec.backend.port",
                                "FieldValueInvalid",
                                "Invalid value: \"string\": spec.backend.port in body must be of type integer:"
                                        + " \"string\""),
                        tuple(
                                "spec.backend.replicas",
                                "FieldValueInvalid",
                                "Invalid value: 11: spec.backend.replicas in body should be less than or equal to 10"),
                        tuple(
                                "spec.branch",
                                "FieldValueInvalid",
                                "Invalid value: \"\": spec.branch in body should be at least 1 chars long"),
                        tuple(
                                "spec.commit",
                                "FieldValueInvalid",
                                "Invalid value: \"XYZ\": spec.commit in body should match '^[0-9a-f]{7,40}$'"));
    }

    @Test
    void undeclaredFieldsAreListedAndPruned_metadataIncluded() {
        JsonNode preview = Store.parse("""
                {"apiVersion": "previews.dev/v1alpha1", "kind": "PreviewDeployment",
                 "metadata": {"name": "x", "lables": {"a": "b"}, "labels": {"team": "shop"}},
                 "spec": {"branch": "b", "commit": "abcdef0", "tll": "3d",
                          "backend": {"image": "i", "env": [{"name": "A", "vaule": "1"}]}}}""");

        SchemaCheck.Result result = check(preview, null);

        assertThat(result.problems()).isEmpty();
        assertThat(result.unknown())
                .containsExactlyInAnyOrder("metadata.lables", "spec.tll", "spec.backend.env[0].vaule");
        assertThat(result.stored().path("metadata").has("lables")).isFalse();
        assertThat(result.stored().path("metadata").path("labels").path("team").asText())
                .isEqualTo("shop");
        assertThat(result.stored().path("spec").has("tll")).isFalse();
        assertThat(result.stored()
                        .path("spec")
                        .path("backend")
                        .path("env")
                        .get(0)
                        .has("vaule"))
                .isFalse();
        assertThat(preview.path("spec").has("tll"))
                .as("the object checked is left as it was")
                .isTrue();
    }

    @Test
    void theBranchCannotChange_onceSet() {
        ObjectNode before = (ObjectNode) Store.parse("""
                {"apiVersion": "previews.dev/v1alpha1", "kind": "PreviewDeployment", "metadata": {"name": "x"},
                 "spec": {"branch": "feature/a", "commit": "abcdef0", "backend": {"image": "i"}}}""");
        ObjectNode after = before.deepCopy();
        after.with("spec").put("branch", "feature/b");

        assertThat(check(after, before).problems())
                .extracting(SchemaCheck.Problem::field, SchemaCheck.Problem::message)
                .containsExactly(tuple(
                        "spec.branch",
                        "Invalid value: \"feature/b\": branch is immutable: create a new preview for another branch"));
        assertThat(check(after, null).problems())
                .as("a create has no old value")
                .isEmpty();
    }

    @Test
    void aBuiltInKindIsCheckedForUndeclaredFieldsOnly() {
        ServedResource deployments = new ServedResource(
                "apps",
                "v1",
                "Deployment",
                "deployments",
                "deployment",
                true,
                List.of(),
                List.of(),
                Deployment.class,
                null);
        JsonNode deployment = Store.parse("""
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                 "spec": {"replicas": "two", "replicaz": 2}}""");

        SchemaCheck.Result result =
                SchemaCheck.check(SCHEMAS.of(deployments), deployment, null, name -> SCHEMAS.objectMeta(), false);

        assertThat(result.problems()).isEmpty();
        assertThat(result.unknown()).containsExactly("spec.replicaz");
    }

    private static SchemaCheck.Result check(JsonNode object, JsonNode old) {
        return SchemaCheck.check(SCHEMAS.of(PREVIEWS), object, old, name -> SCHEMAS.objectMeta(), true);
    }
}
