package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.lifecycle.Observed;
import dev.previews.policy.Admission;
import dev.previews.policy.OperatorConfig;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator observes of one preview, for its decision: the informers' caches (children, the
 * namespace's plan label and deletion), the index (who holds the branch), the time; and, when a
 * decision asks, what a failed seed printed (the only read from the API server).
 */
final class Observations {
    private static final Logger log = LoggerFactory.getLogger(Observations.class);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final Clock clock;
    private final PreviewIndex index;
    private final ChildWriter writer;
    private final Set<String> malformed = ConcurrentHashMap.newKeySet();
    private InformerEventSource<Namespace, PreviewDeployment> namespaces;

    Observations(KubernetesClient client, OperatorConfig config, Clock clock, PreviewIndex index, ChildWriter writer) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.index = index;
        this.writer = writer;
    }

    void attach(InformerEventSource<Namespace, PreviewDeployment> namespaceInformer) {
        this.namespaces = namespaceInformer;
    }

    Observed.PlanChoice plan(PreviewDeployment preview) {
        String label = namespace(preview).map(Observations::planLabel).orElse(null);
        return Observed.PlanChoice.of(config, label);
    }

    boolean namespaceTerminating(PreviewDeployment preview) {
        return namespace(preview)
                .map(ns -> ns.getMetadata().getDeletionTimestamp() != null)
                .orElse(false);
    }

    /**
     * @param holdsSlot whether a preview of the namespace (by name) holds a slot, as the slot ledger says:
     *     the branch goes to the one that runs it
     */
    Observed of(
            PreviewDeployment preview,
            Context<PreviewDeployment> context,
            Admission.Decision slot,
            Predicate<String> holdsSlot) {
        List<Deployment> deployments = sorted(context.getSecondaryResources(Deployment.class));
        deployments.forEach(this::noteMalformedCreatedAt);
        Observed.Children children = new Observed.Children(
                deployments,
                sorted(context.getSecondaryResources(Service.class)),
                context.getSecondaryResource(Ingress.class).orElse(null),
                context.getSecondaryResources(Job.class).stream().toList());
        Optional<String> branchHolder = preview.getSpec() == null
                        || preview.getSpec().getBranch() == null
                ? Optional.empty()
                : index.branchHolder(
                                preview, p -> holdsSlot.test(p.getMetadata().getName()))
                        .map(p -> p.getMetadata().getName())
                        .filter(holder -> !holder.equals(preview.getMetadata().getName()));
        return new Observed(
                preview,
                plan(preview),
                children,
                namespaceTerminating(preview),
                slot,
                branchHolder,
                jobName -> seedOutput(preview.getMetadata().getNamespace(), jobName),
                writer::holds,
                config,
                clock.instant());
    }

    /** By name: the same children give the same decision, whatever order the cache returns them in. */
    private static <T extends HasMetadata> List<T> sorted(Set<T> children) {
        return children.stream()
                .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
                .toList();
    }

    /** A createdAt annotation that is no timestamp is ignored (the status's holds): one log line says so. */
    private void noteMalformedCreatedAt(Deployment deployment) {
        if (deployment == null || deployment.getMetadata().getAnnotations() == null) return;
        String value = deployment.getMetadata().getAnnotations().get(PreviewNames.ANNOTATION_CREATED_AT);
        if (value == null) return;
        try {
            Timestamps.parse(value);
        } catch (RuntimeException e) {
            if (malformed.add(deployment.getMetadata().getUid() + "/" + value)) {
                log.warn(
                        "{}/{}: the Deployment's annotation {}={} is not a timestamp; ignored, the status's createdAt holds",
                        deployment.getMetadata().getNamespace(),
                        deployment.getMetadata().getName(),
                        PreviewNames.ANNOTATION_CREATED_AT,
                        value);
            }
        }
    }

    /** The termination message of the seed Job's newest pod (its last output, FallbackToLogsOnError). */
    private String seedOutput(String namespace, String jobName) {
        try {
            return client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems().stream()
                    .sorted(Comparator.comparing((Pod p) ->
                                    Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                            .reversed())
                    .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                            ? Stream.<ContainerStatus>empty()
                            : p.getStatus().getContainerStatuses().stream())
                    .map(Observations::terminationMessage)
                    .filter(m -> m != null && !m.isBlank())
                    .findFirst()
                    .orElse("");
        } catch (RuntimeException e) {
            log.warn("{}: could not read the output of seed Job {}: {}", namespace, jobName, e.getMessage());
            return "";
        }
    }

    private static String terminationMessage(ContainerStatus cs) {
        if (cs.getState() != null && cs.getState().getTerminated() != null) {
            return cs.getState().getTerminated().getMessage();
        }
        if (cs.getLastState() != null && cs.getLastState().getTerminated() != null) {
            return cs.getLastState().getTerminated().getMessage();
        }
        return null;
    }

    private Optional<Namespace> namespace(PreviewDeployment preview) {
        return namespaces == null
                ? Optional.empty()
                : namespaces.get(new ResourceID(preview.getMetadata().getNamespace()));
    }

    static String planLabel(Namespace ns) {
        Map<String, String> labels = ns.getMetadata().getLabels();
        return labels == null ? null : labels.get(OperatorConfig.PLAN_LABEL);
    }
}
