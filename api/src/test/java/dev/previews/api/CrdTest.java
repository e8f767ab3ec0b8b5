package dev.previews.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.testing.Repository;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrdTest {
    static final Path COMMITTED = Repository.path("crds", CrdFinisher.CRD_FILE);
    static final Path BUILT = Path.of("target", "classes", "crd", CrdFinisher.CRD_FILE);

    @Test
    void theCommittedCrdIsWhatTheBuildGenerates() throws Exception {
        assertThat(Files.readString(COMMITTED))
                .as("crds/ is stale: run `mvn -q process-classes && cp %s %s`", BUILT, COMMITTED)
                .isEqualTo(Files.readString(BUILT));
    }

    @Test
    void namesScopeAndStatusSubresource() {
        CustomResourceDefinition crd = CrdFinisher.load();
        assertThat(crd.getSpec().getGroup()).isEqualTo("previews.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("PreviewDeployment");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("previewdeployments");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("pd", "preview");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName)
                .containsExactly(
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
        assertThat(version.getAdditionalPrinterColumns())
                .filteredOn(c -> c.getPriority() == 0)
                .extracting(CustomResourceColumnDefinition::getName)
                .containsExactly("Branch", "Commit", "Phase", "URL", "Expires", "Age");
    }

    @Test
    void theSchemaCarriesEveryConstraintOfTheDesign() {
        JSONSchemaProps spec = schema().getProperties().get("spec");
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("branch", "commit", "backend");
        JSONSchemaProps branch = spec.getProperties().get("branch");
        assertThat(branch.getMinLength()).isEqualTo(1L);
        assertThat(branch.getMaxLength()).isEqualTo(255L);
        assertThat(branch.getXKubernetesValidations())
                .singleElement()
                .satisfies(v -> assertThat(v.getRule()).isEqualTo("self == oldSelf"));
        assertThat(spec.getProperties().get("commit").getPattern()).isEqualTo("^[0-9a-f]{7,40}$");
        assertThat(spec.getProperties().get("ttl").getPattern()).isEqualTo("^([0-9]+[mhd])+$");
        JSONSchemaProps backend = spec.getProperties().get("backend");
        assertThat(backend.getRequired()).containsExactly("image");
        assertThat(backend.getProperties().get("port").getMinimum()).isEqualTo(1.0);
        assertThat(backend.getProperties().get("port").getMaximum()).isEqualTo(65535.0);
        assertThat(backend.getProperties().get("port").getDefault().asInt()).isEqualTo(8080);
        assertThat(backend.getProperties().get("replicas").getMinimum()).isEqualTo(0.0);
        assertThat(backend.getProperties().get("replicas").getMaximum()).isEqualTo(10.0);
        assertThat(backend.getProperties().get("replicas").getDefault().asInt()).isEqualTo(1);
        assertThat(backend.getProperties())
                .doesNotContainKeys("securityContext", "hostNetwork", "volumes", "privileged");
        assertThat(backend.getProperties().get("envFrom").getItems().getSchema().getProperties())
                .containsOnlyKeys("configMapRef", "secretRef", "prefix");
        assertThat(spec.getProperties()
                        .get("imagePullSecrets")
                        .getItems()
                        .getSchema()
                        .getProperties())
                .containsOnlyKeys("name");
        JSONSchemaProps seed = spec.getProperties().get("seed");
        assertThat(seed.getProperties().get("resources").getProperties()).containsKeys("requests", "limits");
        assertThat(seed.getProperties().get("backoffLimit").getDefault().asInt())
                .isZero();
        assertThat(seed.getProperties()
                        .get("activeDeadlineSeconds")
                        .getDefault()
                        .asInt())
                .isEqualTo(600);
        JSONSchemaProps phase =
                schema().getProperties().get("status").getProperties().get("phase");
        assertThat(phase.getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder(
                        "Pending",
                        "Provisioning",
                        "Seeding",
                        "Ready",
                        "SeedFailed",
                        "Failed",
                        "LimitExceeded",
                        "Expired",
                        "Invalid",
                        "Asleep");
    }

    @Test
    void everyFieldWeDefineHasADescriptionForKubectlExplain() {
        List<String> missing = new ArrayList<>();
        for (String top : List.of("spec", "status")) {
            collectMissing(top, schema().getProperties().get(top), missing);
        }
        assertThat(missing).isEmpty();
    }

    /** Our own fields; the fields of embedded Kubernetes types (EnvVar, ResourceRequirements, Condition) are theirs. */
    private static void collectMissing(String path, JSONSchemaProps props, List<String> missing) {
        if (props.getProperties() == null) return;
        for (Map.Entry<String, JSONSchemaProps> e : props.getProperties().entrySet()) {
            String child = path + "." + e.getKey();
            if (e.getValue().getDescription() == null
                    || e.getValue().getDescription().isBlank()) missing.add(child);
            if (!List.of("env", "resources", "conditions").contains(e.getKey()))
                collectMissing(child, e.getValue(), missing);
        }
    }

    private static JSONSchemaProps schema() {
        return CrdFinisher.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }
}
