package dev.previews.simulator;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cluster deletes after an owner goes, which the mock API does not: Kubernetes' garbage collector
 * for what a preview owns (the objects that name it in their ownerReferences, its Deployment, Service,
 * Ingress and seed Jobs, and what those own, a seed's Pods, deleted in the background), and the
 * namespace controller's emptying of a deleted namespace (the mock removes the namespace at once and
 * keeps what was in it). Without it {@code kubectl delete pd} left the children behind, and a preview
 * created again under the same name took over the old Deployment with its old creation time. The
 * sandbox runs it; the operator's tests do not (they assert the ownerReferences, which is what the
 * operator writes).
 */
public final class GarbageCollector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    private static final ResourceDefinitionContext PREVIEWS =
            ResourceDefinitionContext.fromResourceType(PreviewDeployment.class);
    /** What a preview's children can be, and theirs. */
    private static final List<ResourceDefinitionContext> DEPENDENTS = List.of(
            ResourceDefinitionContext.fromResourceType(Deployment.class),
            ResourceDefinitionContext.fromResourceType(Service.class),
            ResourceDefinitionContext.fromResourceType(Ingress.class),
            ResourceDefinitionContext.fromResourceType(Job.class),
            ResourceDefinitionContext.fromResourceType(Pod.class));
    /** What a deleted namespace is emptied of: previews first (their children go with them anyway). */
    private static final List<ResourceDefinitionContext> IN_NAMESPACE = List.of(
            PREVIEWS,
            ResourceDefinitionContext.fromResourceType(Deployment.class),
            ResourceDefinitionContext.fromResourceType(Service.class),
            ResourceDefinitionContext.fromResourceType(Ingress.class),
            ResourceDefinitionContext.fromResourceType(Job.class),
            ResourceDefinitionContext.fromResourceType(Pod.class),
            ResourceDefinitionContext.fromResourceType(ConfigMap.class),
            ResourceDefinitionContext.fromResourceType(Secret.class),
            ResourceDefinitionContext.fromResourceType(Event.class));

    private final KubernetesClient client;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "garbage-collector");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<GenericKubernetesResource> previews;
    private SharedIndexInformer<Namespace> namespaces;

    public GarbageCollector(KubernetesClient client) {
        this.client = client;
    }

    public GarbageCollector start() {
        previews = client.genericKubernetesResources(PREVIEWS)
                .inAnyNamespace()
                .inform(onDelete(p ->
                        collect(p.getMetadata().getNamespace(), p.getMetadata().getUid())));
        namespaces =
                client.namespaces().inform(onDelete(ns -> empty(ns.getMetadata().getName())));
        return this;
    }

    /** A handler that does {@code action} with each deleted object, on the collector's own thread. */
    private <T> ResourceEventHandler<T> onDelete(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {}

            @Override
            public void onUpdate(T before, T after) {}

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                try {
                    executor.execute(() -> action.accept(object));
                } catch (RejectedExecutionException e) {
                    // closing
                }
            }
        };
    }

    /** Deletes what the owner with {@code uid} owned in its namespace, and what that owned. */
    private void collect(String namespace, String uid) {
        for (ResourceDefinitionContext kind : DEPENDENTS) {
            for (GenericKubernetesResource dependent : client.genericKubernetesResources(kind)
                    .inNamespace(namespace)
                    .list()
                    .getItems()) {
                if (ownedBy(dependent, uid)) {
                    delete(dependent, kind);
                    collect(namespace, dependent.getMetadata().getUid());
                }
            }
        }
    }

    /** Deletes everything of the kinds the sandbox knows in a namespace that is gone. */
    private void empty(String namespace) {
        for (ResourceDefinitionContext kind : IN_NAMESPACE) {
            client.genericKubernetesResources(kind)
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .forEach(o -> delete(o, kind));
        }
    }

    private void delete(GenericKubernetesResource object, ResourceDefinitionContext kind) {
        try {
            client.genericKubernetesResources(kind)
                    .inNamespace(object.getMetadata().getNamespace())
                    .withName(object.getMetadata().getName())
                    .delete();
        } catch (KubernetesClientException e) {
            log.warn(
                    "garbage collector: cannot delete {} {}/{}: {}",
                    kind.getPlural(),
                    object.getMetadata().getNamespace(),
                    object.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private static boolean ownedBy(HasMetadata object, String uid) {
        return object.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    @Override
    public void close() {
        if (previews != null) previews.close();
        if (namespaces != null) namespaces.close();
        executor.shutdownNow();
    }
}
