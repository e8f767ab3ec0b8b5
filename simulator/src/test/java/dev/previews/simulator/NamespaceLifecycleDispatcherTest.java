package dev.previews.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sandbox's API refuses new objects in a namespace being deleted, with the API server's answer. */
class NamespaceLifecycleDispatcherTest {
    final KubernetesMockServer server = MockApi.start(0);
    final KubernetesClient client = server.createClient();

    @AfterEach
    void close() {
        client.close();
        server.destroy();
    }

    @Test
    void aNamespaceBeingDeleted_takesNoNewObjects_butItsObjectsCanStillBeChanged() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("gone")
                        .withFinalizers("previews.dev/test-hold")
                        .endMetadata()
                        .build())
                .create();
        client.configMaps().inNamespace("gone").resource(configMap("kept")).create();
        client.namespaces().withName("gone").delete();
        assertThat(client.namespaces().withName("gone").get().getMetadata().getDeletionTimestamp())
                .isNotNull();

        KubernetesClientException refused = catchThrowableOfType(
                KubernetesClientException.class,
                () -> client.apps()
                        .deployments()
                        .inNamespace("gone")
                        .resource(new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("login")
                                .endMetadata()
                                .build())
                        .create());

        assertThat(refused.getCode()).isEqualTo(403);
        assertThat(refused.getStatus().getReason()).isEqualTo("Forbidden");
        assertThat(refused.getStatus().getMessage())
                .isEqualTo(
                        "deployments \"login\" is forbidden: unable to create new content in namespace gone because it is being terminated");
        assertThat(refused.getStatus().getDetails().getCauses())
                .extracting(StatusCause::getReason, StatusCause::getField)
                .containsExactly(tuple("NamespaceTerminating", "metadata.namespace"));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("gone")
                        .withName("login")
                        .get())
                .isNull();

        // what is there can still be changed (the namespace controller deletes it), and other namespaces take objects
        client.configMaps()
                .inNamespace("gone")
                .withName("kept")
                .edit(c -> new ConfigMapBuilder(c).addToData("k", "v").build());
        assertThat(client.configMaps()
                        .inNamespace("gone")
                        .withName("kept")
                        .get()
                        .getData())
                .containsEntry("k", "v");
        assertThat(client.configMaps()
                        .inNamespace("other")
                        .resource(configMap("new"))
                        .create())
                .isNotNull();
        assertThat(client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("fresh")
                                .endMetadata()
                                .build())
                        .create())
                .isNotNull();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build();
    }
}
