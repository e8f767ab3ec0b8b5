package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
 * nor on their children; nor the pod template of a seed Job, which it never reads.
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

    @Test
    @SuppressWarnings("unchecked")
    void cachedSeedJobsHaveNoPodTemplate() {
        cluster.create(withSeed(preview(NS, "seeded", "feature/seeded")));
        cluster.makeAvailable(NS, "seeded");
        Job job = cluster.awaitSeedJob(NS, "seeded");
        assertThat(job.getSpec().getTemplate()).isNotNull();

        InformerEventSource<Job, PreviewDeployment> jobs = (InformerEventSource<Job, PreviewDeployment>) controller()
                .getEventSourceManager()
                .getEventSourcesFor(Job.class)
                .get(0);
        ResourceID id = new ResourceID(job.getMetadata().getName(), NS);
        await().atMost(PreviewCluster.WAIT).until(() -> jobs.get(id).isPresent());
        assertThat(jobs.get(id).orElseThrow().getSpec().getTemplate()).isNull();
        // what the operator reads of it is there: the seed goes on to its outcome
        cluster.simulator().succeedSeed(NS, job.getMetadata().getName());
        cluster.awaitPreview(NS, "seeded", condition("Ready", "True", "Ready"));
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
