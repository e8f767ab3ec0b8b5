package dev.previews.e2e;

import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.IngressSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An operator with nothing to do writes nothing: a minute of idleness with Ready previews whose
 * children the API server has defaulted and normalised (resources, probes, Service and Ingress
 * defaults), then a change that makes the operator reconcile without anything to change.
 */
@EndToEnd
class IdleE2E {
    static final Duration IDLE = Duration.ofSeconds(60);
    static final Duration SETTLE = Duration.ofSeconds(5);

    @Test
    void anIdleOperatorWritesNothingForAMinute_andAReconcileWithNothingToChangeWritesNothing(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("idle", null)) {
            PreviewDeployment full = Previews.withSeed(Previews.preview(ns.name(), "idle-full", "feature/idle-full"));
            full.getSpec().getBackend().setReadinessPath("/healthz");
            full.getSpec().getBackend().setEnv(List.of(new EnvVar("DATABASE_URL", "postgres://preview-db/shop", null)));
            // quantities the API server writes back in canonical form (0.25 -> 250m, 1024Mi -> 1Gi)
            full.getSpec()
                    .getBackend()
                    .setResources(new ResourceRequirementsBuilder()
                            .addToRequests("cpu", new Quantity("0.25"))
                            .addToRequests("memory", new Quantity("1024Mi"))
                            .addToLimits("memory", new Quantity("1024Mi"))
                            .build());
            IngressSpec ingress = new IngressSpec();
            ingress.setHost("{{name}}.{{namespace}}.previews.example.com");
            full.getSpec().setIngress(ingress);
            ns.create(full);
            ns.create(Previews.preview(ns.name(), "idle-plain", "feature/idle-plain"));
            ns.awaitPreview("idle-full", ready());
            ns.awaitPreview("idle-plain", ready());
            assertThat(ns.ingress("idle-full")).isNotNull();

            // settle: nothing written for a few seconds (bounded)
            await("the operator settles")
                    .atMost(E2EEnvironment.WAIT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> quietFor(env, SETTLE));

            int from = env.requests().size();
            String previewVersion = ns.get("idle-full").getMetadata().getResourceVersion();
            String deploymentVersion = ns.deployment("idle-full").getMetadata().getResourceVersion();
            String serviceVersion = ns.service("idle-full").getMetadata().getResourceVersion();
            String ingressVersion = ns.ingress("idle-full").getMetadata().getResourceVersion();
            await("a minute without writes")
                    .during(IDLE)
                    .atMost(IDLE.plusSeconds(10))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> OperatorRequests.writes(env.requests().since(from)), List::isEmpty);
            assertThat(ns.get("idle-full").getMetadata().getResourceVersion()).isEqualTo(previewVersion);
            assertThat(ns.deployment("idle-full").getMetadata().getResourceVersion())
                    .isEqualTo(deploymentVersion);
            assertThat(ns.service("idle-full").getMetadata().getResourceVersion())
                    .isEqualTo(serviceVersion);
            assertThat(ns.ingress("idle-full").getMetadata().getResourceVersion())
                    .isEqualTo(ingressVersion);

            // a change that makes the operator reconcile but asks nothing of it (a label someone adds)
            int reconciles = env.reconcileCount(ns.name(), "idle-full");
            int beforePoke = env.requests().size();
            ns.preview("idle-full")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"labels\":{\"team\":\"checkout\"}}}");
            await("a reconcile of idle-full")
                    .atMost(E2EEnvironment.WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> env.reconcileCount(ns.name(), "idle-full") > reconciles);
            await("no writes after a reconcile with nothing to change")
                    .during(SETTLE)
                    .atMost(SETTLE.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> OperatorRequests.writes(env.requests().since(beforePoke)), List::isEmpty);
        }
    }

    private static boolean quietFor(E2EEnvironment env, Duration quiet) {
        List<OperatorRequests.Request> writes =
                OperatorRequests.writes(env.requests().all());
        return writes.isEmpty()
                || writes.get(writes.size() - 1).at().isBefore(Instant.now().minus(quiet));
    }
}
