package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ConfigLoader;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real operator on the mock API: a preview's envFrom, imagePullSecrets and seed.resources reach
 * its pods, its plan's defaults merge under them, and a change of the defaults (the operator started
 * again with another configuration) updates the running Deployment in place and runs no seed again.
 */
class PlanDefaultsTest {
    static final String TEAM_PLAN = """
            plans:
              starter: {ttl: 5d, maxPreviews: 40, expiry: Delete}
              team:
                ttl: 5d
                maxPreviews: 10
                expiry: Delete
                defaults:
                  env:
                    - {name: LOG_LEVEL, value: info}
                    - {name: REGION, value: eu-west-1}
                  envFrom:
                    - configMapRef: {name: preview-base}
                    - secretRef: {name: preview-db}
                  imagePullSecrets: [{name: registry-cred}]
                  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 512Mi}}
                  seedResources: {limits: {memory: 128Mi}}
            """;

    @Test
    void aPreviewsEnvFromImagePullSecretsAndSeedResourcesReachItsPods() {
        try (PreviewCluster cluster = new PreviewCluster()) {
            PreviewDeployment p = withSeed(preview("own", "shop", "feature/shop"));
            p.getSpec()
                    .getBackend()
                    .setEnvFrom(List.of(configMap("shop-config", null), secret("shop-db", true, "DB_")));
            p.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("team-cred")));
            p.getSpec()
                    .getSeed()
                    .setResources(new ResourceRequirementsBuilder()
                            .addToLimits("memory", new Quantity("1Gi"))
                            .build());
            cluster.create(p);

            PodSpec backend = cluster.awaitDeployment("own", "shop")
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(backend.getImagePullSecrets()).containsExactly(new LocalObjectReference("team-cred"));
            assertThat(backend.getContainers().get(0).getEnvFrom())
                    .containsExactly(configMap("shop-config", null), secret("shop-db", true, "DB_"));

            cluster.makeAvailable("own", "shop");
            PodSpec seed =
                    cluster.awaitSeedJob("own", "shop").getSpec().getTemplate().getSpec();
            assertThat(seed.getImagePullSecrets()).containsExactly(new LocalObjectReference("team-cred"));
            Container seedContainer = seed.getContainers().get(0);
            assertThat(seedContainer.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("1Gi")));
            assertThat(seedContainer.getEnvFrom())
                    .as("backend.envFrom is the backend's")
                    .isNullOrEmpty();
        }
    }

    @Test
    void thePlansDefaultsMergeUnderThePreviewsOwn_envByName_listsWithoutDuplicates() throws Exception {
        try (PreviewCluster cluster = new PreviewCluster(ConfigLoader.parse(TEAM_PLAN))) {
            cluster.namespace("team-a", "team");
            PreviewDeployment p = withSeed(preview("team-a", "shop", "feature/shop"));
            p.getSpec().getBackend().setEnv(List.of(new EnvVar("LOG_LEVEL", "debug", null)));
            p.getSpec().getBackend().setEnvFrom(List.of(secret("preview-db", true, null)));
            p.getSpec()
                    .setImagePullSecrets(
                            List.of(new LocalObjectReference("team-cred"), new LocalObjectReference("registry-cred")));
            p.getSpec().getSeed().setEnv(List.of(new EnvVar("REGION", "us-east-1", null)));
            cluster.create(p);

            PodSpec pod = cluster.awaitDeployment("team-a", "shop")
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(pod.getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsExactly("team-cred", "registry-cred");
            Container backend = pod.getContainers().get(0);
            assertThat(backend.getEnv())
                    .containsExactly(new EnvVar("REGION", "eu-west-1", null), new EnvVar("LOG_LEVEL", "debug", null));
            assertThat(backend.getEnvFrom())
                    .as("the preview's own Secret source (optional) stands for the default's")
                    .containsExactly(configMap("preview-base", null), secret("preview-db", true, null));
            assertThat(backend.getResources().getRequests())
                    .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")));
            assertThat(backend.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(backend.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

            cluster.makeAvailable("team-a", "shop");
            PodSpec seedPod = cluster.awaitSeedJob("team-a", "shop")
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(seedPod.getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsExactly("team-cred", "registry-cred");
            Container seed = seedPod.getContainers().get(0);
            assertThat(seed.getEnv())
                    .filteredOn(v -> !v.getName().startsWith("PREVIEW_"))
                    .containsExactly(new EnvVar("LOG_LEVEL", "info", null), new EnvVar("REGION", "us-east-1", null));
            assertThat(seed.getEnvFrom())
                    .containsExactly(configMap("preview-base", null), secret("preview-db", null, null));
            assertThat(seed.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("128Mi")));
        }
    }

    @Test
    void aChangeOfThePlansDefaultsUpdatesTheRunningDeploymentInPlace_andRunsNoSeedAgain() throws Exception {
        try (PreviewCluster cluster = new PreviewCluster(ConfigLoader.parse(TEAM_PLAN))) {
            cluster.namespace("team-b", "team");
            cluster.create(withSeed(preview("team-b", "shop", "feature/shop")));
            cluster.makeAvailable("team-b", "shop");
            Job seed = cluster.awaitSeedJob("team-b", "shop");
            cluster.simulator().succeedSeed("team-b", seed.getMetadata().getName());
            PreviewDeployment ready = cluster.awaitPreview("team-b", "shop", condition("Ready", "True", null));
            Deployment before = cluster.deployment("team-b", "shop");

            cluster.stopOperator();
            cluster.startOperator(ConfigLoader.parse(TEAM_PLAN
                    .replace("value: info", "value: warn")
                    .replace("[{name: registry-cred}]", "[{name: registry-cred}, {name: mirror-cred}]")));

            // the update makes the backend roll out again: not Provisioned until the Deployment is available
            cluster.awaitPreview("team-b", "shop", condition("Provisioned", "False", "Provisioning"));
            Deployment after = cluster.deployment("team-b", "shop");
            PodSpec pod = after.getSpec().getTemplate().getSpec();
            assertThat(pod.getContainers().get(0).getEnv()).contains(new EnvVar("LOG_LEVEL", "warn", null));
            assertThat(pod.getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsExactly("registry-cred", "mirror-cred");
            assertThat(after.getMetadata().getUid())
                    .as("the same Deployment, updated: no recreation")
                    .isEqualTo(before.getMetadata().getUid());
            assertThat(after.getMetadata().getAnnotations())
                    .containsEntry("previews.dev/created-at", ready.getStatus().getCreatedAt());

            cluster.makeAvailable("team-b", "shop");
            PreviewDeployment again = cluster.awaitPreview("team-b", "shop", condition("Ready", "True", null));
            assertThat(again.getStatus().condition("Seeded").orElseThrow().getReason())
                    .isEqualTo("SeedSucceeded");
            assertThat(cluster.seedJobs("team-b", "shop"))
                    .extracting(j -> j.getMetadata().getName())
                    .as("the defaults are not part of the seed: no second seed Job")
                    .containsExactly(seed.getMetadata().getName());
            assertThat(again.getStatus().getSeed().getJobName())
                    .isEqualTo(seed.getMetadata().getName());
            assertThat(again.getStatus().getCreatedAt())
                    .isEqualTo(ready.getStatus().getCreatedAt());
            assertThat(again.getStatus().getExpiresAt())
                    .isEqualTo(ready.getStatus().getExpiresAt());
        }
    }

    static EnvFromSource configMap(String name, Boolean optional) {
        return new EnvFromSourceBuilder().withNewConfigMapRef(name, optional).build();
    }

    static EnvFromSource secret(String name, Boolean optional, String prefix) {
        return new EnvFromSourceBuilder()
                .withNewSecretRef(name, optional)
                .withPrefix(prefix)
                .build();
    }
}
