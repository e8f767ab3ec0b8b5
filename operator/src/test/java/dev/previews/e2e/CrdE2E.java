package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.CRD_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD as the build generated it, installed in a real API server: accepted, established, served
 * under its names, and its schema refusing every bad manifest DESIGN.md says it refuses, with the API
 * server's own error (what `kubectl apply` prints).
 */
@EndToEnd
class CrdE2E {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static E2EEnvironment env;
    private static TestNamespace ns;

    @BeforeAll
    static void namespace(E2EEnvironment environment) {
        env = environment;
        ns = env.namespace("crd", null);
    }

    @AfterAll
    static void cleanUp() {
        if (ns != null) ns.close();
    }

    @Test
    void theCrdIsAcceptedAndEstablished_andServedUnderItsNames() {
        CustomResourceDefinition installed = env.admin()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(CRD_NAME)
                .get();
        assertThat(installed.getStatus().getConditions())
                .extracting(CustomResourceDefinitionCondition::getType, CustomResourceDefinitionCondition::getStatus)
                .contains(Tuple.tuple("NamesAccepted", "True"), Tuple.tuple("Established", "True"));
        assertThat(installed.getStatus().getAcceptedNames().getShortNames()).containsExactlyInAnyOrder("pd", "preview");
        assertThat(installed.getStatus().getAcceptedNames().getKind()).isEqualTo("PreviewDeployment");

        // kubectl api-resources: the kind, its short names, namespaced, and the status subresource
        List<APIResource> served =
                env.admin().getApiResources(PreviewDeployment.API_VERSION).getResources();
        APIResource main = served.stream()
                .filter(r -> r.getName().equals("previewdeployments"))
                .findFirst()
                .orElseThrow();
        assertThat(main.getNamespaced()).isTrue();
        assertThat(main.getShortNames()).containsExactlyInAnyOrder("pd", "preview");
        assertThat(main.getVerbs()).contains("create", "get", "list", "watch", "patch", "update", "delete");
        assertThat(served).extracting(APIResource::getName).contains("previewdeployments/status");
    }

    @Test
    void aValidManifestIsStoredWithTheSchemasDefaults() throws Exception {
        ObjectNode manifest = valid("defaults");
        ((ObjectNode) manifest.get("spec"))
                .putObject("seed")
                .putArray("command")
                .add("/app/seed");
        GenericKubernetesResource created =
                env.admin().resource(generic(manifest)).create();
        JsonNode spec = JSON.valueToTree(created.getAdditionalProperties().get("spec"));
        assertThat(spec.at("/backend/port").asInt())
                .as("spec.backend.port default")
                .isEqualTo(8080);
        assertThat(spec.at("/backend/replicas").asInt())
                .as("spec.backend.replicas default")
                .isEqualTo(1);
        assertThat(spec.at("/seed/backoffLimit").asInt())
                .as("spec.seed.backoffLimit default")
                .isZero();
        assertThat(spec.at("/seed/activeDeadlineSeconds").asInt())
                .as("spec.seed.activeDeadlineSeconds default")
                .isEqualTo(600);
    }

    @Test
    void fieldsTheSchemaDoesNotKnowArePruned_soNothingCanWeakenPodSecurity() {
        ObjectNode manifest = valid("pruned");
        ((ObjectNode) manifest.at("/spec/backend")).put("privileged", true).put("hostNetwork", true);
        GenericKubernetesResource created =
                env.admin().resource(generic(manifest)).create();
        JsonNode backend =
                JSON.valueToTree(created.getAdditionalProperties().get("spec")).get("backend");
        assertThat(backend.has("privileged"))
                .as("spec.backend.privileged stored")
                .isFalse();
        assertThat(backend.has("hostNetwork"))
                .as("spec.backend.hostNetwork stored")
                .isFalse();
    }

    static Stream<Arguments> badManifests() {
        return Stream.of(
                bad(
                        "commit with upper-case letters",
                        "spec.commit",
                        "^[0-9a-f]{7,40}$",
                        m -> spec(m).put("commit", "A1B2C3D4E5")),
                bad("commit shorter than 7", "spec.commit", "^[0-9a-f]{7,40}$", m -> spec(m).put("commit", "a1b2c3")),
                bad(
                        "commit longer than 40",
                        "spec.commit",
                        "^[0-9a-f]{7,40}$",
                        m -> spec(m).put("commit", "a".repeat(41))),
                bad("empty branch", "spec.branch", "1", m -> spec(m).put("branch", "")),
                bad("branch longer than 255", "spec.branch", "255", m -> spec(m).put("branch", "b".repeat(256))),
                bad("ttl in words", "spec.ttl", "^([0-9]+[mhd])+$", m -> spec(m).put("ttl", "5 days")),
                bad("ttl in seconds", "spec.ttl", "^([0-9]+[mhd])+$", m -> spec(m).put("ttl", "90s")),
                bad("port 0", "spec.backend.port", "1", m -> backend(m).put("port", 0)),
                bad("port 65536", "spec.backend.port", "65535", m -> backend(m).put("port", 65536)),
                bad(
                        "port not a number",
                        "spec.backend.port",
                        "integer",
                        m -> backend(m).put("port", "http")),
                bad("replicas -1", "spec.backend.replicas", "0", m -> backend(m).put("replicas", -1)),
                bad(
                        "replicas 11",
                        "spec.backend.replicas",
                        "10",
                        m -> backend(m).put("replicas", 11)),
                bad("empty image", "spec.backend.image", "1", m -> backend(m).put("image", "")),
                bad(
                        "readinessPath without a leading slash",
                        "spec.backend.readinessPath",
                        "^/[^\\s]*$",
                        m -> backend(m).put("readinessPath", "healthz")),
                bad(
                        "seed backoffLimit 11",
                        "spec.seed.backoffLimit",
                        "10",
                        m -> spec(m).putObject("seed").put("backoffLimit", 11)),
                bad(
                        "seed activeDeadlineSeconds 0",
                        "spec.seed.activeDeadlineSeconds",
                        "1",
                        m -> spec(m).putObject("seed").put("activeDeadlineSeconds", 0)),
                bad(
                        "ingress host with upper case and _",
                        "spec.ingress.host",
                        "^[a-z0-9{}.-]+$",
                        m -> spec(m).putObject("ingress").put("host", "Shop_API.example.com")),
                bad(
                        "ingress tlsSecretName starting with -",
                        "spec.ingress.tlsSecretName",
                        "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
                        m -> spec(m).putObject("ingress").put("tlsSecretName", "-tls")),
                bad("no branch", "spec.branch", "Required value", m -> spec(m).remove("branch")),
                bad("no commit", "spec.commit", "Required value", m -> spec(m).remove("commit")),
                bad("no backend", "spec.backend", "Required value", m -> spec(m).remove("backend")),
                bad(
                        "no backend image",
                        "spec.backend.image",
                        "Required value",
                        m -> backend(m).remove("image")));
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("badManifests")
    void theSchemaRefusesABadManifest_withTheApiServersOwnError(
            String what, String field, String mentions, Consumer<ObjectNode> breakIt) {
        ObjectNode manifest = valid("bad-" + Integer.toHexString(what.hashCode() & 0xfffff));
        breakIt.accept(manifest);
        KubernetesClientException refused = catchThrowableOfType(
                KubernetesClientException.class,
                () -> env.admin().resource(generic(manifest)).create());
        assertThat(refused)
                .as("the API server's answer to a manifest with " + what)
                .isNotNull();
        assertThat(refused.getCode())
                .as("HTTP status for " + what + ": " + refused.getMessage())
                .isEqualTo(422);
        String message = refused.getStatus().getMessage();
        assertThat(refused.getStatus().getReason()).isEqualTo("Invalid");
        assertThat(refused.getStatus().getDetails().getCauses())
                .as("causes in: " + message)
                .extracting(StatusCause::getField)
                .contains(field);
        assertThat(message).as("the API server's message").contains("PreviewDeployment.previews.dev", field, mentions);
        assertThat(ns.get(manifest.at("/metadata/name").asText()))
                .as("nothing stored")
                .isNull();
    }

    /**
     * DESIGN.md makes spec.branch immutable with the CEL rule {@code self == oldSelf}. CEL validation
     * rules are enforced from Kubernetes 1.25 on; the control plane CI builds (1.20) does not know
     * x-kubernetes-validations at all and drops it from the stored CRD, so there a branch can be
     * changed. This test checks that the built CRD carries the rule, and asserts what the server at
     * hand really does: refuse the change (1.25+) or accept it (older).
     */
    @Test
    void branchIsImmutableByACelRule_enforcedFromKubernetes125_notByOlderServersSuchAs120() {
        JSONSchemaProps builtBranch = branchSchema(env.crd());
        assertThat(builtBranch.getXKubernetesValidations())
                .as("x-kubernetes-validations of spec.branch in the built CRD")
                .extracting(ValidationRule::getRule)
                .containsExactly("self == oldSelf");

        GenericKubernetesResource created =
                env.admin().resource(generic(valid("immutable-branch"))).create();
        var patch = env.admin()
                .genericKubernetesResources(PreviewDeployment.API_VERSION, PreviewDeployment.KIND)
                .inNamespace(ns.name())
                .withName(created.getMetadata().getName());
        String change = "{\"spec\":{\"branch\":\"feature/renamed\"}}";
        if (celEnforced()) {
            KubernetesClientException refused = catchThrowableOfType(
                    KubernetesClientException.class, () -> patch.patch(PatchContext.of(PatchType.JSON_MERGE), change));
            assertThat(refused)
                    .as("a branch change on Kubernetes " + serverVersion())
                    .isNotNull();
            assertThat(refused.getCode()).isEqualTo(422);
            assertThat(refused.getStatus().getMessage()).contains("spec.branch", "branch is immutable");
            assertThat(branchSchema(installed()).getXKubernetesValidations())
                    .extracting(ValidationRule::getRule)
                    .containsExactly("self == oldSelf");
        } else {
            GenericKubernetesResource changed = patch.patch(PatchContext.of(PatchType.JSON_MERGE), change);
            assertThat(JSON.valueToTree(changed.getAdditionalProperties().get("spec"))
                            .get("branch")
                            .asText())
                    .as("Kubernetes " + serverVersion() + " does not enforce CEL rules: the branch change is stored")
                    .isEqualTo("feature/renamed");
            assertThat(branchSchema(installed()).getXKubernetesValidations())
                    .as("x-kubernetes-validations as Kubernetes " + serverVersion()
                            + " stored it (it does not know the field)")
                    .isNullOrEmpty();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static boolean celEnforced() {
        var v = env.admin().getKubernetesVersion();
        int minor = Integer.parseInt(v.getMinor().replaceAll("[^0-9].*$", ""));
        return Integer.parseInt(v.getMajor()) > 1 || minor >= 25;
    }

    private static String serverVersion() {
        var v = env.admin().getKubernetesVersion();
        return v.getMajor() + "." + v.getMinor();
    }

    private static CustomResourceDefinition installed() {
        return env.admin()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(CRD_NAME)
                .get();
    }

    private static JSONSchemaProps branchSchema(CustomResourceDefinition crd) {
        return crd.getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .get("branch");
    }

    private static Arguments bad(String what, String field, String mentions, Consumer<ObjectNode> breakIt) {
        return Arguments.of(what, field, mentions, breakIt);
    }

    private static ObjectNode spec(ObjectNode manifest) {
        return (ObjectNode) manifest.get("spec");
    }

    private static ObjectNode backend(ObjectNode manifest) {
        return (ObjectNode) manifest.at("/spec/backend");
    }

    /** A manifest the schema accepts, as a user would write it. */
    private static ObjectNode valid(String name) {
        ObjectNode m = JSON.createObjectNode();
        m.put("apiVersion", PreviewDeployment.API_VERSION).put("kind", PreviewDeployment.KIND);
        m.putObject("metadata").put("name", name).put("namespace", ns.name());
        ObjectNode spec = m.putObject("spec");
        spec.put("branch", "feature/" + name)
                .put("commit", "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39")
                .put("ttl", "3d");
        spec.putObject("backend").put("image", "registry.example.com/shop/api:{{shortCommit}}");
        return m;
    }

    private static GenericKubernetesResource generic(ObjectNode manifest) {
        return JSON.convertValue(manifest, GenericKubernetesResource.class);
    }
}
