package dev.previews.simulator;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' garbage collector, for what a preview owns: when a preview is deleted, the objects that
 * name it in their ownerReferences (its Deployment, Service, Ingress, seed Jobs) are deleted, and the
 * objects those own (a seed's Pods), as the collector does in the background on a cluster. The mock API
 * has none, so without it {@code kubectl delete pd} left the children behind, and a preview created
 * again under the same name took over the old Deployment with its old creation time. The sandbox runs
 * it; the operator's tests do not (they assert the ownerReferences, which is what the operator writes).
 */
public final class GarbageCollector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    private static final List<ResourceDefinitionContext> DEPENDENTS = List.of(
            ResourceDefinitionContext.fromResourceType(Deployment.class),
            ResourceDefinitionContext.fromResourceType(Service.class),
            ResourceDefinitionContext.fromResourceType(Ingress.class),
            ResourceDefinitionContext.fromResourceType(Job.class),
            ResourceDefinitionContext.fromResourceType(Pod.class));

    private final KubernetesClient client;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "garbage-collector");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<GenericKubernetesResource> previews;

    public GarbageCollector(KubernetesClient client) {
        this.client = client;
    }

    public GarbageCollector start() {
        previews = client.genericKubernetesResources(
                        ResourceDefinitionContext.fromResourceType(PreviewDeployment.class))
                .inAnyNamespace()
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource preview) {}

                    @Override
                    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {}

                    @Override
                    public void onDelete(GenericKubernetesResource preview, boolean finalStateUnknown) {
                        try {
                            executor.execute(() -> collect(
                                    preview.getMetadata().getNamespace(),
                                    preview.getMetadata().getUid()));
                        } catch (RejectedExecutionException e) {
                            // closing
                        }
                    }
                });
        return this;
    }

    /** Deletes what the owner with {@code uid} owned in its namespace, and what that owned. */
    private void collect(String namespace, String uid) {
        for (ResourceDefinitionContext kind : DEPENDENTS) {
            for (GenericKubernetesResource dependent : client.genericKubernetesResources(kind)
                    .inNamespace(namespace)
                    .list()
                    .getItems()) {
                if (ownedBy(dependent, uid)) {
                    try {
                        client.resource(dependent).delete();
                    } catch (KubernetesClientException e) {
                        log.warn(
                                "garbage collector: cannot delete {}/{}: {}",
                                kind.getPlural(),
                                name(dependent),
                                e.getMessage());
                    }
                    collect(namespace, dependent.getMetadata().getUid());
                }
            }
        }
    }

    private static boolean ownedBy(HasMetadata object, String uid) {
        return object.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }

    @Override
    public void close() {
        if (previews != null) previews.close();
        executor.shutdownNow();
    }
}
