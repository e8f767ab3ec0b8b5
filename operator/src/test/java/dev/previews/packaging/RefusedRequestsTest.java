package dev.previews.packaging;

import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.OperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request the API server keeps refusing (here RBAC: a platform team took `create deployments` from
 * the operator's role) reaches the preview's status, once, with the API server's message, instead of
 * a log line and an Event while the status says nothing; and it clears once the request succeeds.
 */
class RefusedRequestsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    final RbacMockApi api = RbacMockApi.withDeployRbac();
    final KubernetesClient operatorClient = api.operatorClient("preview-operator");
    PreviewOperator operator;

    @AfterEach
    void stop() {
        if (operator != null) operator.close();
        operatorClient.close();
        api.close();
    }

    PreviewDeployment get(String name) {
        return api.admin()
                .resources(PreviewDeployment.class)
                .inNamespace("team")
                .withName(name)
                .get();
    }

    List<Event> warnings(String name) {
        return api.admin().v1().events().inNamespace("team").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "ReconcileError".equals(e.getReason()))
                .toList();
    }

    @Test
    void aForbiddenCreateIsReportedInTheStatusOnceAndClearsWhenAllowedAgain() {
        api.refuseAlso(r -> r.verb().equals("create") && r.resource().equals("deployments"));
        api.admin()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("team")
                        .endMetadata()
                        .build())
                .create();
        operator = new PreviewOperator(operatorClient, OperatorConfig.defaults(), Clock.systemUTC()).start();
        api.admin().resource(preview("team", "blocked", "feature/blocked")).create();

        await().atMost(WAIT).until(() -> {
            PreviewDeployment p = get("blocked");
            return p != null
                    && p.getStatus() != null
                    && "ReconcileError".equals(p.getStatus().reason("Ready"));
        });
        PreviewDeployment refused = get("blocked");
        assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(refused.getStatus().condition("Ready").orElseThrow().getMessage())
                .contains("forbidden")
                .contains("deployments");
        await().atMost(WAIT).until(() -> warnings("blocked").size() == 1);

        api.refuseAlso(r -> false);

        await().atMost(WAIT)
                .until(() -> api.admin()
                                .apps()
                                .deployments()
                                .inNamespace("team")
                                .withName("blocked")
                                .get()
                        != null);
        await().atMost(WAIT)
                .until(() -> !"ReconcileError".equals(get("blocked").getStatus().reason("Ready")));
        assertThat(get("blocked").getStatus().getPhase()).isEqualTo(Phase.Provisioning);
        assertThat(warnings("blocked")).as("one Warning for the whole episode").hasSize(1);
    }
}
