package dev.previews.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.SeedSpec;
import dev.previews.policy.PodDefaults;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pods of the backend Deployment and the seed Job: the preview's envFrom, imagePullSecrets and
 * seed.resources, the plan's defaults under them, and the restricted Pod Security whatever they say.
 */
class PodTemplatesTest {
    static final String IMAGE = "registry.example.com/shop/api:a1b2c3d";
    static final String URL = "http://shop.team.svc.cluster.local";
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    static final PodDefaults DEFAULTS = new PodDefaults(
            List.of(new EnvVar("LOG_LEVEL", "info", null), new EnvVar("PREVIEW_URL", "https://elsewhere", null)),
            List.of(configMap("preview-base")),
            List.of(new LocalObjectReference("registry-cred")),
            new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("100m"))
                    .addToLimits("memory", new Quantity("512Mi"))
                    .build(),
            new ResourceRequirementsBuilder()
                    .addToLimits("memory", new Quantity("256Mi"))
                    .build());

    static PreviewDeployment preview() {
        PreviewDeployment p = Previews.withSeed(Previews.preview("team", "shop", "feature/shop"));
        p.getSpec().getBackend().setEnv(List.of(new EnvVar("LOG_LEVEL", "debug", null)));
        p.getSpec().getBackend().setEnvFrom(List.of(secret("shop-db", true)));
        p.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("team-cred")));
        p.getSpec().getSeed().setEnv(List.of(new EnvVar("FIXTURES", "demo", null)));
        p.getSpec()
                .getSeed()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("250m"))
                        .build());
        return p;
    }

    @Test
    void theBackendPodGetsThePreviewsEnvFromAndImagePullSecrets_overThePlansDefaults() {
        PodSpec pod = BackendResources.deployment(
                        preview(), IMAGE, "2026-11-02T09:00:00Z", 1, DeploymentName.plain(preview()), DEFAULTS)
                .getSpec()
                .getTemplate()
                .getSpec();

        assertThat(pod.getImagePullSecrets())
                .extracting(LocalObjectReference::getName)
                .containsExactly("registry-cred", "team-cred");
        Container backend = pod.getContainers().get(0);
        assertThat(backend.getEnvFrom()).containsExactly(configMap("preview-base"), secret("shop-db", true));
        assertThat(backend.getEnv())
                .containsExactly(
                        new EnvVar("PREVIEW_URL", "https://elsewhere", null), new EnvVar("LOG_LEVEL", "debug", null));
        assertThat(backend.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"));
        assertThat(backend.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
        assertRestricted(pod);
    }

    @Test
    void withoutDefaultsOrTheNewFieldsTheBackendPodIsWhatItWas() {
        PreviewDeployment plain = Previews.preview("team", "shop", "feature/shop");
        JsonNode pod = JSON.convertValue(
                BackendResources.deployment(plain, IMAGE, "2026-11-02T09:00:00Z")
                        .getSpec()
                        .getTemplate()
                        .getSpec(),
                JsonNode.class);
        assertThat(pod.has("imagePullSecrets")).isFalse();
        JsonNode container = pod.get("containers").get(0);
        assertThat(List.of("envFrom", "env", "resources")).noneMatch(container::has);
    }

    @Test
    void theSeedPodGetsTheImagePullSecrets_theDefaults_andItsOwnResources() {
        PreviewDeployment p = preview();
        Container seed = SeedJobs.container(p, IMAGE, URL, DEFAULTS);
        Job job = SeedJobs.job(p, seed, SeedJobs.fingerprint(p, IMAGE), DEFAULTS);
        PodSpec pod = job.getSpec().getTemplate().getSpec();

        assertThat(pod.getImagePullSecrets())
                .extracting(LocalObjectReference::getName)
                .containsExactly("registry-cred", "team-cred");
        Container c = pod.getContainers().get(0);
        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .as("the operator's variables, the defaults the seed does not set, the seed's own")
                .containsExactly(
                        "PREVIEW_URL",
                        "PREVIEW_NAME",
                        "PREVIEW_NAMESPACE",
                        "PREVIEW_BRANCH",
                        "PREVIEW_COMMIT",
                        "LOG_LEVEL",
                        "FIXTURES");
        assertThat(c.getEnv().get(0).getValue())
                .as("a default never replaces PREVIEW_URL")
                .isEqualTo(URL);
        assertThat(c.getEnvFrom())
                .as("the defaults' sources; backend.envFrom is the backend's")
                .containsExactly(configMap("preview-base"));
        assertThat(c.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("250m")));
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("256Mi")));
        assertRestricted(pod);
    }

    @Test
    void theSeedFingerprintLeavesOutTheDefaultsAndThePullSecrets_andKeepsWhatItWasWithoutSeedResources() {
        PreviewDeployment p = Previews.withSeed(Previews.preview("team", "shop", "feature/shop"));
        assertThat(SeedJobs.fingerprint(p, IMAGE))
                .as("the fingerprint earlier versions computed for this seed: an upgrade runs no seed again")
                .isEqualTo("87a181");

        p.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("team-cred")));
        assertThat(SeedJobs.fingerprint(p, IMAGE)).isEqualTo("87a181");

        SeedSpec seed = p.getSpec().getSeed();
        seed.setResources(new ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("1Gi"))
                .build());
        assertThat(SeedJobs.fingerprint(p, IMAGE))
                .as("seed.resources is part of the seed: raising a seed's memory runs it again")
                .isNotEqualTo("87a181");
    }

    static void assertRestricted(PodSpec pod) {
        assertThat(pod.getSecurityContext()).isEqualTo(RestrictedPodSecurity.pod());
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getContainers())
                .allSatisfy(c -> assertThat(c.getSecurityContext()).isEqualTo(RestrictedPodSecurity.container()));
    }

    static EnvFromSource configMap(String name) {
        return new EnvFromSourceBuilder().withNewConfigMapRef(name, null).build();
    }

    static EnvFromSource secret(String name, Boolean optional) {
        return new EnvFromSourceBuilder().withNewSecretRef(name, optional).build();
    }
}
