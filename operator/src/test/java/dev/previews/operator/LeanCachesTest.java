package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's caches keep only what it reads: {@code managedFields}, which a real API server
 * writes on every object (the mock keeps what it is given), is not stored, neither on the previews
 * nor on their children.
 */
class LeanCachesTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "lean-caches";

    @Test
    void cachedPreviewsAndChildrenHaveNoManagedFields() {
        cluster.create(preview(NS, "lean", "feature/lean"));
        cluster.awaitPreview(NS, "lean", condition("Provisioned", "False", "Provisioning"));
        cluster.awaitDeployment(NS, "lean");

        Deployment deployment = cluster.client()
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("lean")
                .edit(d -> withManagedFields(d));
        PreviewDeployment preview = cluster.edit(NS, "lean", LeanCachesTest::withManagedFields);
        assertThat(deployment.getMetadata().getManagedFields()).isNotEmpty();
        assertThat(preview.getMetadata().getManagedFields()).isNotEmpty();

        var controller = controller();
        ResourceID id = new ResourceID("lean", NS);
        InformerEventSource<Deployment, PreviewDeployment> deployments =
                (InformerEventSource<Deployment, PreviewDeployment>) controller
                        .getEventSourceManager()
                        .getEventSourcesFor(Deployment.class)
                        .get(0);
        await().atMost(PreviewCluster.WAIT).until(() -> cachedVersionIs(deployments.get(id), deployment));
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cachedVersionIs(
                        controller
                                .getEventSourceManager()
                                .getControllerEventSource()
                                .get(id),
                        preview));

        assertThat(deployments.get(id).orElseThrow().getMetadata().getManagedFields())
                .isNullOrEmpty();
        assertThat(controller
                        .getEventSourceManager()
                        .getControllerEventSource()
                        .get(id)
                        .orElseThrow()
                        .getMetadata()
                        .getManagedFields())
                .isNullOrEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Controller<PreviewDeployment> controller() {
        return (Controller<PreviewDeployment>) cluster.operator()
                .operator()
                .getRegisteredController("previews")
                .orElseThrow();
    }

    private static boolean cachedVersionIs(Optional<? extends HasMetadata> cached, HasMetadata written) {
        return cached.isPresent()
                && Objects.equals(
                        cached.get().getMetadata().getResourceVersion(),
                        written.getMetadata().getResourceVersion());
    }

    /** As a real API server writes them: one entry per field manager. */
    private static <T extends HasMetadata> T withManagedFields(T object) {
        object.getMetadata()
                .setManagedFields(List.of(new ManagedFieldsEntryBuilder()
                        .withManager("kubectl-edit")
                        .withOperation("Update")
                        .withApiVersion(object.getApiVersion())
                        .withFieldsType("FieldsV1")
                        .withNewFieldsV1()
                        .addToAdditionalProperties("f:metadata", Map.of("f:labels", Map.of()))
                        .endFieldsV1()
                        .build()));
        return object;
    }
}
