package dev.previews.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deleting a preview deletes what it owns, and what that owns; deleting a namespace, what is in it; nothing else goes. */
class GarbageCollectorTest {
    final KubernetesMockServer server = MockApi.start(0);
    final KubernetesClient client = server.createClient();
    final GarbageCollector collector;

    GarbageCollectorTest() {
        MockApi.installCrd(server, client);
        collector = new GarbageCollector(client).start();
    }

    @AfterEach
    void close() {
        collector.close();
        client.close();
        server.destroy();
    }

    @Test
    void aDeletedPreviewsChildrenAndTheirsGo_othersStay() {
        PreviewDeployment preview = client.resource(Previews.preview("team-a", "login", "feature/login"))
                .create();
        PreviewDeployment other = client.resource(Previews.preview("team-a", "cart", "feature/cart"))
                .create();
        client.resource(new DeploymentBuilder()
                        .withMetadata(owned("login", preview))
                        .build())
                .create();
        client.resource(new ServiceBuilder()
                        .withMetadata(owned("login", preview))
                        .build())
                .create();
        var job = client.resource(new JobBuilder()
                        .withMetadata(owned("login-seed", preview))
                        .build())
                .create();
        client.resource(new PodBuilder()
                        .withMetadata(owned("login-seed-x1", job))
                        .build())
                .create();
        client.resource(new DeploymentBuilder()
                        .withMetadata(owned("cart", other))
                        .build())
                .create();

        client.resource(preview).delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace("team-a").list().getItems())
                    .extracting(d -> d.getMetadata().getName())
                    .containsExactly("cart");
            assertThat(client.services().inNamespace("team-a").list().getItems())
                    .isEmpty();
            assertThat(client.batch().v1().jobs().inNamespace("team-a").list().getItems())
                    .isEmpty();
            assertThat(client.pods().inNamespace("team-a").list().getItems()).isEmpty();
        });
        assertThat(client.resources(PreviewDeployment.class)
                        .inNamespace("team-a")
                        .withName("cart")
                        .get())
                .isNotNull();
    }

    @Test
    void aDeletedNamespaceIsEmptied_othersKeepWhatTheyHave() {
        client.resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("team-a")
                        .endMetadata()
                        .build())
                .create();
        client.resource(Previews.preview("team-a", "login", "feature/login")).create();
        client.resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("settings")
                        .withNamespace("team-a")
                        .endMetadata()
                        .build())
                .create();
        client.resource(Previews.preview("team-b", "login", "feature/login")).create();

        client.namespaces().withName("team-a").delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(client.resources(PreviewDeployment.class)
                            .inNamespace("team-a")
                            .list()
                            .getItems())
                    .isEmpty();
            assertThat(client.configMaps().inNamespace("team-a").list().getItems())
                    .isEmpty();
        });
        assertThat(client.resources(PreviewDeployment.class)
                        .inNamespace("team-b")
                        .list()
                        .getItems())
                .hasSize(1);
    }

    private static ObjectMeta owned(String name, HasMetadata owner) {
        OwnerReference reference = new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .build();
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace("team-a")
                .withOwnerReferences(reference)
                .build();
    }
}
