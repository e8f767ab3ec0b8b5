package dev.previews.workload;

import dev.previews.api.BackendSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.util.List;
import java.util.Map;

/**
 * The desired Deployment, Service and Ingress of a preview's backend, and the Deployment of a commit
 * the spec no longer describes (a BlueGreen rollover's serving commit). Pure functions.
 */
public final class BackendResources {
    private BackendResources() {}

    public static final String PORT_NAME = "http";
    public static final int SERVICE_PORT = 80;

    /** The Deployment of the spec's commit, named after the preview, at its replicas, without plan defaults. */
    public static Deployment deployment(PreviewDeployment preview, String image, String createdAt) {
        return deployment(
                preview,
                image,
                createdAt,
                preview.getSpec().getBackend().replicasOrDefault(),
                DeploymentName.plain(preview),
                PodDefaults.NONE);
    }

    /**
     * The Deployment of the spec's commit at {@code replicas} (0 while the preview sleeps), with the given
     * name and selector shape, its pod with the plan's {@code defaults} merged under the preview's own
     * settings.
     *
     * @param createdAt when its deployment was created (the annotation); null for a BlueGreen rollover's
     *     incoming Deployment, whose deployment starts at the switch
     */
    public static Deployment deployment(
            PreviewDeployment preview,
            String image,
            String createdAt,
            int replicas,
            DeploymentName name,
            PodDefaults defaults) {
        BackendSpec backend = preview.getSpec().getBackend();
        String commit = preview.getSpec().getCommit();
        var metadata = Ownership.metadata(
                preview, name.name(), Ownership.labels(preview, PreviewNames.BACKEND_COMPONENT, commit));
        if (createdAt != null) {
            metadata.setAnnotations(Map.of(PreviewNames.ANNOTATION_CREATED_AT, createdAt));
        }
        Map<String, String> selector = Ownership.selector(preview, PreviewNames.BACKEND_COMPONENT);
        if (name.commitScoped()) {
            selector.put(PreviewNames.LABEL_COMMIT, commit);
        }
        return new DeploymentBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Ownership.labels(preview, PreviewNames.BACKEND_COMPONENT, commit))
                .endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(RestrictedPodSecurity.pod())
                .withImagePullSecrets(
                        emptyToNull(defaults.imagePullSecrets(preview.getSpec().getImagePullSecrets())))
                .withContainers(new ContainerBuilder()
                        .withName("backend")
                        .withImage(image)
                        .withCommand(emptyToNull(backend.getCommand()))
                        .withArgs(emptyToNull(backend.getArgs()))
                        .withEnv(emptyToNull(defaults.env(backend.getEnv(), List.of())))
                        .withEnvFrom(emptyToNull(defaults.envFrom(backend.getEnvFrom())))
                        .withResources(defaults.resources(backend.getResources()))
                        .addNewPort()
                        .withName(PORT_NAME)
                        .withContainerPort(backend.portOrDefault())
                        .withProtocol("TCP")
                        .endPort()
                        .withReadinessProbe(readiness(backend))
                        .withSecurityContext(RestrictedPodSecurity.container())
                        .build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Probe readiness(BackendSpec backend) {
        ProbeBuilder probe = new ProbeBuilder().withPeriodSeconds(5);
        if (backend.getReadinessPath() != null) {
            return probe.withNewHttpGet()
                    .withPath(backend.getReadinessPath())
                    .withPort(new IntOrString(PORT_NAME))
                    .endHttpGet()
                    .build();
        }
        return probe.withNewTcpSocket()
                .withPort(new IntOrString(PORT_NAME))
                .endTcpSocket()
                .build();
    }

    /** The preview's Service, serving the spec's commit. */
    public static Service service(PreviewDeployment preview) {
        return service(
                preview, preview.getMetadata().getName(), preview.getSpec().getCommit());
    }

    /**
     * A Service named {@code name} that selects the backend pods of {@code commit} only: the preview's
     * own Service (the commit it serves), or a BlueGreen rollover's per-commit Service.
     */
    public static Service service(PreviewDeployment preview, String name, String commit) {
        Map<String, String> selector = Ownership.selector(preview, PreviewNames.BACKEND_COMPONENT);
        selector.put(PreviewNames.LABEL_COMMIT, commit);
        return new ServiceBuilder()
                .withMetadata(Ownership.metadata(
                        preview, name, Ownership.labels(preview, PreviewNames.BACKEND_COMPONENT, commit)))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector)
                .addNewPort()
                .withName(PORT_NAME)
                .withPort(SERVICE_PORT)
                .withTargetPort(new IntOrString(PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    public static Ingress ingress(PreviewDeployment preview, String host) {
        var spec = preview.getSpec().getIngress();
        IngressBuilder builder = new IngressBuilder()
                .withMetadata(Ownership.metadata(
                        preview,
                        preview.getMetadata().getName(),
                        Ownership.labels(
                                preview,
                                PreviewNames.BACKEND_COMPONENT,
                                preview.getSpec().getCommit())))
                .withNewSpec()
                .withIngressClassName(spec == null ? null : spec.getClassName())
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName(preview.getMetadata().getName())
                .withNewPort()
                .withName(PORT_NAME)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec();
        if (spec != null && spec.getTlsSecretName() != null) {
            builder.editSpec()
                    .withTls(new IngressTLSBuilder()
                            .withHosts(host)
                            .withSecretName(spec.getTlsSecretName())
                            .build())
                    .endSpec();
        }
        return builder.build();
    }

    /** The external URL of an Ingress host. */
    public static String externalUrl(PreviewDeployment preview, String host) {
        boolean tls = preview.getSpec().getIngress() != null
                && preview.getSpec().getIngress().getTlsSecretName() != null;
        return (tls ? "https://" : "http://") + host;
    }

    static <T> List<T> emptyToNull(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }
}
