package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.OperatorConfig;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A child that changes between the operator's read and its update answers 409 Conflict: on a real
 * cluster the Deployment controller writes a Deployment's status and revision all the time. The
 * operator reads the child again and lays its fields over the new version within the same
 * reconcile, so the preview's change lands at once and the other writer's change stays.
 */
class ChildConflictTest {
    static final String NS = "team-a";
    static final String DEPLOYMENT = "/apis/apps/v1/namespaces/team-a/deployments/login";
    static final String REVISION = "deployment.kubernetes.io/revision";

    static final WriteBetween between = new WriteBetween();

    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults(), between);

    @Test
    void aDeploymentWrittenByItsControllerBetweenReadAndUpdate_isReadAgainAndUpdatedInTheSameReconcile() {
        cluster.create(preview(NS, "login", "feature/login"));
        cluster.makeAvailable(NS, "login");
        cluster.awaitPreview(NS, "login", condition("Ready", "True", null));

        // the Deployment controller writes the Deployment after the operator read it, before its update arrives
        between.beforeNext(
                "PUT",
                DEPLOYMENT,
                () -> cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("login")
                        .edit(d -> new DeploymentBuilder(d)
                                .editMetadata()
                                .addToAnnotations(REVISION, "7")
                                .endMetadata()
                                .build()));
        cluster.edit(NS, "login", p -> {
            p.getSpec().getBackend().setEnv(List.of(new EnvVar("FEATURE_FLAGS", "checkout-v2", null)));
            return p;
        });

        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() -> assertThat(between.answered()).hasSize(3));
        assertThat(between.sent())
                .as("the operator's requests to the Deployment")
                .containsExactly("PUT " + DEPLOYMENT, "GET " + DEPLOYMENT, "PUT " + DEPLOYMENT);
        assertThat(between.answered()).as("their answers").containsExactlyInAnyOrder(409, 200, 200);
        Deployment d = cluster.deployment(NS, "login");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(EnvVar::getName)
                .contains("FEATURE_FLAGS");
        assertThat(d.getMetadata().getAnnotations())
                .as("the controller's write")
                .containsEntry(REVISION, "7");
    }
}
