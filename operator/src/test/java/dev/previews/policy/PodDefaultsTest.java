package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rule by which a plan's defaults merge under a preview's own pod settings. */
class PodDefaultsTest {
    static final PodDefaults DEFAULTS = new PodDefaults(
            List.of(env("LOG_LEVEL", "info"), env("REGION", "eu-west-1"), env("FEATURE_FLAGS", "base")),
            List.of(configMap("preview-base", null), secret("preview-db", null)),
            List.of(pull("registry-cred"), pull("mirror-cred")),
            resources(Map.of("cpu", "100m", "memory", "256Mi"), Map.of("memory", "512Mi")),
            resources(Map.of("cpu", "50m"), Map.of("memory", "128Mi")));

    @Test
    void withoutDefaultsEveryMergeIsThePreviewsOwnValue() {
        List<EnvVar> env = List.of(env("A", "1"));
        List<EnvFromSource> envFrom = List.of(secret("own", true));
        List<LocalObjectReference> pull = List.of(pull("own"));
        ResourceRequirements own = resources(Map.of("cpu", "1"), Map.of());
        assertThat(PodDefaults.NONE.env(env, List.of())).isSameAs(env);
        assertThat(PodDefaults.NONE.env(null, List.of())).isNull();
        assertThat(PodDefaults.NONE.envFrom(envFrom)).isSameAs(envFrom);
        assertThat(PodDefaults.NONE.envFrom(null)).isNull();
        assertThat(PodDefaults.NONE.imagePullSecrets(pull)).isSameAs(pull);
        assertThat(PodDefaults.NONE.resources(own)).isSameAs(own);
        assertThat(PodDefaults.NONE.resources(null)).isNull();
        assertThat(PodDefaults.NONE.seedResources(own)).isSameAs(own);
    }

    @Test
    void withoutAnythingOfItsOwnAPreviewGetsTheDefaults() {
        assertThat(DEFAULTS.env(null, List.of())).isEqualTo(DEFAULTS.env());
        assertThat(DEFAULTS.envFrom(null)).isEqualTo(DEFAULTS.envFrom());
        assertThat(DEFAULTS.imagePullSecrets(null)).isEqualTo(DEFAULTS.imagePullSecrets());
        assertThat(DEFAULTS.resources(null)).isEqualTo(DEFAULTS.resources());
        assertThat(DEFAULTS.seedResources(null)).isEqualTo(DEFAULTS.seedResources());
    }

    @Test
    void envMergesByName_thePreviewWins_defaultsFirstThenThePreviewsListAsWritten() {
        List<EnvVar> own = List.of(env("DATABASE_URL", "postgres://db"), env("LOG_LEVEL", "debug"));

        assertThat(DEFAULTS.env(own, List.of()))
                .containsExactly(
                        env("REGION", "eu-west-1"),
                        env("FEATURE_FLAGS", "base"),
                        env("DATABASE_URL", "postgres://db"),
                        env("LOG_LEVEL", "debug"));
    }

    @Test
    void aDefaultVariableNeverReplacesOneTheOperatorSets() {
        assertThat(DEFAULTS.env(List.of(), List.of("REGION", "PREVIEW_URL")))
                .extracting(EnvVar::getName)
                .containsExactly("LOG_LEVEL", "FEATURE_FLAGS");
    }

    @Test
    void envFromIsAppendedWithoutDuplicates_aSourceIsItsKindNameAndPrefix() {
        List<EnvFromSource> own = List.of(
                secret("preview-db", true), // the same Secret: the preview's entry (optional) stands, in its place
                configMap("preview-db", null), // a ConfigMap of the Secret's name is another source
                prefixed(configMap("preview-base", null), "BASE_")); // another prefix: another source

        assertThat(DEFAULTS.envFrom(own))
                .containsExactly(
                        configMap("preview-base", null),
                        secret("preview-db", true),
                        configMap("preview-db", null),
                        prefixed(configMap("preview-base", null), "BASE_"));
    }

    @Test
    void imagePullSecretsAreAppendedWithoutDuplicates() {
        assertThat(DEFAULTS.imagePullSecrets(List.of(pull("team-cred"), pull("registry-cred"))))
                .extracting(LocalObjectReference::getName)
                .containsExactly("mirror-cred", "team-cred", "registry-cred");
    }

    @Test
    void resourcesMergePerResourceName_thePreviewsRequestsAndLimitsWin() {
        ResourceRequirements own = resources(Map.of("memory", "1Gi"), Map.of("memory", "2Gi", "cpu", "2"));

        ResourceRequirements merged = DEFAULTS.resources(own);

        assertThat(merged.getRequests()).isEqualTo(quantities(Map.of("cpu", "100m", "memory", "1Gi")));
        assertThat(merged.getLimits()).isEqualTo(quantities(Map.of("memory", "2Gi", "cpu", "2")));
        assertThat(DEFAULTS.seedResources(resources(Map.of("cpu", "250m"), Map.of())))
                .isEqualTo(resources(Map.of("cpu", "250m"), Map.of("memory", "128Mi")));
    }

    @Test
    void aDefaultLimitBelowThePreviewsOwnRequestIsLeftOut() {
        // 1Gi requested, the default limit 512Mi would make the Deployment invalid: the request stands alone
        ResourceRequirements merged = DEFAULTS.resources(resources(Map.of("memory", "1Gi"), Map.of()));

        assertThat(merged.getRequests()).isEqualTo(quantities(Map.of("cpu", "100m", "memory", "1Gi")));
        assertThat(merged.getLimits()).isNull();
    }

    @Test
    void aDefaultRequestAboveThePreviewsOwnLimitIsLeftOut() {
        // a limit of 50m for cpu under a default request of 100m: Kubernetes then requests the limit
        ResourceRequirements merged = DEFAULTS.resources(resources(Map.of(), Map.of("cpu", "50m")));

        assertThat(merged.getRequests()).isEqualTo(quantities(Map.of("memory", "256Mi")));
        assertThat(merged.getLimits()).isEqualTo(quantities(Map.of("cpu", "50m", "memory", "512Mi")));
    }

    @Test
    void quantitiesCompareByValue_andOneThatDoesNotParseIsLeftToTheApiServer() {
        assertThat(DEFAULTS.resources(resources(Map.of("memory", "0.5Gi"), Map.of()))
                        .getLimits())
                .as("0.5Gi is 512Mi: not above the default limit")
                .isEqualTo(quantities(Map.of("memory", "512Mi")));
        Quantity lots = new Quantity("lots", ""); // as read from a spec; Quantity.parse refuses it
        ResourceRequirements unparsable = new ResourceRequirementsBuilder()
                .withLimits(Map.of("cpu", lots))
                .build();
        assertThat(DEFAULTS.resources(unparsable).getLimits()).containsEntry("cpu", lots);
    }

    @Test
    void theKeyNamesTheDefaults() {
        assertThat(DEFAULTS.key()).isEqualTo(DEFAULTS.key()).isNotEqualTo(PodDefaults.NONE.key());
        PodDefaults otherLevel = new PodDefaults(
                List.of(env("LOG_LEVEL", "warn")),
                DEFAULTS.envFrom(),
                DEFAULTS.imagePullSecrets(),
                DEFAULTS.resources(),
                DEFAULTS.seedResources());
        assertThat(otherLevel.key()).isNotEqualTo(DEFAULTS.key());
    }

    static EnvVar env(String name, String value) {
        return new EnvVar(name, value, null);
    }

    static EnvFromSource configMap(String name, Boolean optional) {
        return new EnvFromSourceBuilder().withNewConfigMapRef(name, optional).build();
    }

    static EnvFromSource secret(String name, Boolean optional) {
        return new EnvFromSourceBuilder().withNewSecretRef(name, optional).build();
    }

    static EnvFromSource prefixed(EnvFromSource source, String prefix) {
        return new EnvFromSourceBuilder(source).withPrefix(prefix).build();
    }

    static LocalObjectReference pull(String name) {
        return new LocalObjectReference(name);
    }

    static ResourceRequirements resources(Map<String, String> requests, Map<String, String> limits) {
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : quantities(requests))
                .withLimits(limits.isEmpty() ? null : quantities(limits))
                .build();
    }

    static Map<String, Quantity> quantities(Map<String, String> amounts) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        amounts.forEach((k, v) -> out.put(k, new Quantity(v)));
        return out;
    }
}
