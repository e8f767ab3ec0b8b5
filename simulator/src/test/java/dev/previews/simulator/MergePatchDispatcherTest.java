package dev.previews.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox's API applies JSON merge patches as an API server does, and every other write as before. */
class MergePatchDispatcherTest {
    final KubernetesMockServer server = MockApi.start(0);
    final KubernetesClient client = server.createClient();

    @BeforeEach
    void aDeployment() {
        client.apps()
                .deployments()
                .inNamespace("team-a")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("login")
                        .addToLabels("keep", "yes")
                        .addToLabels("drop", "yes")
                        .endMetadata()
                        .withNewSpec()
                        .withNewTemplate()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("backend")
                        .withArgs("--port", "8080", "--verbose")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
    }

    @AfterEach
    void close() {
        client.close();
        server.destroy();
    }

    @Test
    void aMergePatch_replacesLists_andRemovesWhatItSetsToNull() {
        Deployment patched = deployment().patch(PatchContext.of(PatchType.JSON_MERGE), """
                        {"metadata": {"labels": {"drop": null}},
                         "spec": {"template": {"spec": {"containers": [{"name": "backend", "args": ["--port", "9090"]}]}}}}""");

        assertThat(patched.getMetadata().getLabels()).containsExactly(Map.entry("keep", "yes"));
        assertThat(patched.getSpec().getTemplate().getSpec().getContainers())
                .singleElement()
                .satisfies(c -> assertThat(c.getArgs()).containsExactly("--port", "9090"));
        assertThat(deployment().get().getSpec().getTemplate().getSpec().getContainers())
                .singleElement()
                .satisfies(c -> assertThat(c.getArgs()).containsExactly("--port", "9090"));
    }

    @Test
    void jsonPatchesAndUpdates_theOperatorsWrites_workAsBefore() {
        deployment()
                .patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\": \"add\", \"path\": \"/spec/template/spec/containers/0/args/-\", \"value\": \"--debug\"}]");
        assertThat(deployment()
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly("--port", "8080", "--verbose", "--debug");

        Deployment read = deployment().get();
        read.getSpec().getTemplate().getSpec().getContainers().get(0).setArgs(List.of("--quiet"));
        read.getMetadata().getLabels().remove("drop");
        client.resource(read).update();
        Deployment updated = deployment().get();
        assertThat(updated.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly("--quiet");
        assertThat(updated.getMetadata().getLabels()).containsOnlyKeys("keep");
    }

    private RollableScalableResource<Deployment> deployment() {
        return client.apps().deployments().inNamespace("team-a").withName("login");
    }
}
