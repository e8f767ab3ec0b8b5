package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What makes a preview be reconciled besides its own changes: informers on its children (selected
 * by the managed-by label) and on Namespaces (the plan label, all namespaces: they are
 * cluster-scoped), and wake-ups the operator sends itself (a preview's time, a freed slot or branch).
 */
final class PreviewEvents {
    private final PreviewIndex index;
    private final SimpleInboundEventSource<PreviewDeployment> wakeUps = new SimpleInboundEventSource<>("wake-ups");
    private final Map<String, InformerEventSource<? extends HasMetadata, PreviewDeployment>> children =
            new LinkedHashMap<>();
    private InformerEventSource<Namespace, PreviewDeployment> namespaces;

    PreviewEvents(PreviewIndex index) {
        this.index = index;
    }

    List<EventSource<?, PreviewDeployment>> prepare(EventSourceContext<PreviewDeployment> context) {
        index.attach(context.getPrimaryCache());
        for (Class<? extends HasMetadata> type : List.of(Deployment.class, Service.class, Ingress.class, Job.class)) {
            children.put(HasMetadata.getKind(type), owned(context, type));
        }
        namespaces = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, PreviewDeployment.class)
                        .withName("namespaces")
                        // Namespaces are cluster-scoped: one informer for all of them, whatever namespaces the
                        // controller watches (otherwise the plan label is looked up where it is not cached).
                        .withWatchAllNamespaces()
                        .withItemStore(new LeanItemStore<>())
                        .withSecondaryToPrimaryMapper(
                                ns -> index.inNamespace(ns.getMetadata().getName()).stream()
                                        .map(ResourceID::fromResource)
                                        .collect(Collectors.toSet()))
                        .withOnUpdateFilter((before, after) ->
                                !Objects.equals(Observations.planLabel(before), Observations.planLabel(after)))
                        .build(),
                context);
        List<EventSource<?, PreviewDeployment>> all = new ArrayList<>(children.values());
        all.add(namespaces);
        all.add(wakeUps);
        return all;
    }

    private static <R extends HasMetadata> InformerEventSource<R, PreviewDeployment> owned(
            EventSourceContext<PreviewDeployment> context, Class<R> type) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, PreviewDeployment.class)
                        .withName(type.getSimpleName().toLowerCase())
                        .withLabelSelector(PreviewNames.MANAGED_SELECTOR)
                        .withItemStore(leanStore(type))
                        .build(),
                context);
    }

    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata> LeanItemStore<R> leanStore(Class<R> type) {
        return type == Job.class ? (LeanItemStore<R>) new LeanItemStore.Jobs() : new LeanItemStore<>();
    }

    InformerEventSource<Namespace, PreviewDeployment> namespaces() {
        return namespaces;
    }

    /** The informer of each child kind, by kind. */
    Map<String, InformerEventSource<? extends HasMetadata, PreviewDeployment>> children() {
        return children;
    }

    void wake(ResourceID preview) {
        wakeUps.propagateEvent(preview);
    }

    /** A slot freed: the previews of the namespace waiting for one, but the one that freed it. */
    void wakeWaiting(String namespace, String except) {
        index.waiting(namespace).stream()
                .filter(p -> !p.getMetadata().getName().equals(except))
                .forEach(p -> wake(ResourceID.fromResource(p)));
    }

    /** A branch freed: the other previews that name it. */
    void wakeBranch(String namespace, String branch, String except) {
        index.othersOnBranch(namespace, branch, except).forEach(p -> wake(ResourceID.fromResource(p)));
    }
}
