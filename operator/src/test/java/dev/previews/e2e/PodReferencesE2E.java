package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.WITH_DEFAULTS;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * References the pods use and the operator never reads: a preview's environment from a whole Secret
 * and its image pull secret reach its Deployment's and its seed Job's pod templates, and the Pods the
 * real controllers make from them, exactly as written, while the operator's identity still cannot
 * read a Secret; and a plan's defaults merge under the preview's own on the real API server, whose
 * canonical quantities do not make the operator write again.
 */
@EndToEnd
class PodReferencesE2E {
    static final Duration SETTLE = Duration.ofSeconds(5);

    @Test
    void envFromASecretAndAnImagePullSecretReachThePods_andTheOperatorStillCannotReadSecrets(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("pod-refs", null)) {
            secrets(env, ns);
            PreviewDeployment p = Previews.withSeed(Previews.preview(ns.name(), "shop", "feature/shop"));
            p.getSpec().getBackend().setEnvFrom(List.of(secretSource("shop-db")));
            p.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("registry-cred")));
            ns.create(p);
            ns.awaitPreview("shop", ready());

            Deployment deployment = ns.deployment("shop");
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getImagePullSecrets()).containsExactly(new LocalObjectReference("registry-cred"));
            assertThat(pod.getContainers())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getEnvFrom()).containsExactly(secretSource("shop-db")));
            List<Pod> pods = ns.pods("shop").stream()
                    .filter(q ->
                            "backend".equals(q.getSpec().getContainers().get(0).getName()))
                    .toList();
            assertThat(pods)
                    .as("the Pods the ReplicaSet controller made")
                    .isNotEmpty()
                    .allSatisfy(q -> {
                        assertThat(q.getSpec().getImagePullSecrets())
                                .containsExactly(new LocalObjectReference("registry-cred"));
                        assertThat(q.getSpec().getContainers().get(0).getEnvFrom())
                                .containsExactly(secretSource("shop-db"));
                    });

            Job seed = ns.jobs("shop").get(0);
            PodSpec seedPod = seed.getSpec().getTemplate().getSpec();
            assertThat(seedPod.getImagePullSecrets()).containsExactly(new LocalObjectReference("registry-cred"));
            assertThat(seedPod.getContainers().get(0).getEnvFrom()).isNullOrEmpty();

            try (KubernetesClient operator = env.clientAsOperator()) {
                for (String verb : List.of("get", "list", "watch")) {
                    assertThat(canOnSecrets(operator, ns.name(), verb))
                            .as(verb + " secrets in " + ns.name())
                            .isFalse();
                }
                var refused = Assertions.catchThrowableOfType(
                        KubernetesClientException.class,
                        () -> operator.secrets()
                                .inNamespace(ns.name())
                                .withName("shop-db")
                                .get());
                assertThat(refused)
                        .as("kubectl get secret shop-db as the operator")
                        .isNotNull();
                assertThat(refused.getCode()).isEqualTo(403);
            }
            assertThat(env.requests().all())
                    .as("requests of the operator for Secrets")
                    .noneMatch(r -> r.path().contains("/secrets"));
        }
    }

    @Test
    void aPlansDefaultsMergeUnderThePreviewsOwn_andCanonicalQuantitiesCauseNoUpdate(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("pod-defaults", WITH_DEFAULTS)) {
            secrets(env, ns);
            PreviewDeployment p = Previews.withSeed(Previews.preview(ns.name(), "shop", "feature/shop"));
            p.getSpec().getBackend().setEnv(List.of(new EnvVar("LOG_LEVEL", "debug", null)));
            p.getSpec().getBackend().setEnvFrom(List.of(secretSource("shop-db")));
            p.getSpec()
                    .setImagePullSecrets(
                            List.of(new LocalObjectReference("team-cred"), new LocalObjectReference("registry-cred")));
            ns.create(p);
            ns.awaitPreview("shop", ready());

            Deployment deployment = ns.deployment("shop");
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsExactly("team-cred", "registry-cred");
            Container backend = pod.getContainers().get(0);
            assertThat(backend.getEnv())
                    .containsExactly(new EnvVar("REGION", "eu-west-1", null), new EnvVar("LOG_LEVEL", "debug", null));
            assertThat(backend.getEnvFrom())
                    .containsExactly(
                            new EnvFromSourceBuilder()
                                    .withNewConfigMapRef("preview-base", true)
                                    .build(),
                            secretSource("shop-db"));
            assertThat(backend.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("100m")));
            assertThat(backend.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));
            assertThat(deployment.getMetadata().getGeneration())
                    .as("the Deployment as created: the server's canonical quantities are no drift")
                    .isEqualTo(1L);
            Container seed = ns.jobs("shop")
                    .get(0)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
            assertThat(seed.getEnv()).contains(new EnvVar("LOG_LEVEL", "info", null));
            assertThat(seed.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("128Mi")));

            // a reconcile with nothing to change (a label someone adds) writes nothing
            int reconciles = env.reconcileCount(ns.name(), "shop");
            int from = env.requests().size();
            ns.preview("shop")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"labels\":{\"team\":\"checkout\"}}}");
            await("a reconcile of shop")
                    .atMost(E2EEnvironment.WAIT)
                    .pollInterval(E2EEnvironment.POLL)
                    .until(() -> env.reconcileCount(ns.name(), "shop") > reconciles);
            await("no writes after a reconcile with nothing to change")
                    .during(SETTLE)
                    .atMost(SETTLE.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> OperatorRequests.writes(env.requests().since(from)), List::isEmpty);
            assertThat(ns.deployment("shop").getMetadata().getGeneration()).isEqualTo(1L);
        }
    }

    /** A Secret for the environment and one to pull images with, written by the admin as a team would. */
    private static void secrets(E2EEnvironment env, TestNamespace ns) {
        env.admin()
                .secrets()
                .inNamespace(ns.name())
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("shop-db")
                        .endMetadata()
                        .addToStringData("DATABASE_PASSWORD", "s3cret")
                        .build())
                .create();
        env.admin()
                .secrets()
                .inNamespace(ns.name())
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("registry-cred")
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString("{\"auths\":{}}".getBytes()))
                        .build())
                .create();
    }

    private static EnvFromSource secretSource(String name) {
        return new EnvFromSourceBuilder().withNewSecretRef(name, null).build();
    }

    private static boolean canOnSecrets(KubernetesClient client, String namespace, String verb) {
        return client.authorization()
                .v1()
                .selfSubjectAccessReview()
                .create(new SelfSubjectAccessReviewBuilder()
                        .withNewSpec()
                        .withNewResourceAttributes()
                        .withResource("secrets")
                        .withVerb(verb)
                        .withNamespace(namespace)
                        .endResourceAttributes()
                        .endSpec()
                        .build())
                .getStatus()
                .getAllowed();
    }
}
