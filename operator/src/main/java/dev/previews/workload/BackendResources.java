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

/** The desired Deployment, Service and Ingress of a preview's backend. Pure functions. */
public final class BackendResources {
    private BackendResources() {}

    public static final String PORT_NAME = "http";
    public static final int SERVICE_PORT = 80;

    public static Deployment deployment(PreviewDeployment preview, String image, String createdAt) {
        return deployment(
                preview, image, createdAt, preview.getSpec().getBackend().replicasOrDefault(), PodDefaults.NONE);
    }

    /**
     * The Deployment at {@code replicas} (0 while the preview sleeps), its pod with the plan's
     * {@code defaults} merged under the preview's own settings.
     */
    public static Deployment deployment(
            PreviewDeployment preview, String image, String createdAt, int replicas, PodDefaults defaults) {
        BackendSpec backend = preview.getSpec().getBackend();
        String commit = preview.getSpec().getCommit();
        var metadata = Ownership.metadata(
                preview,
                preview.getMetadata().getName(),
                Ownership.labels(preview, PreviewNames.BACKEND_COMPONENT, commit));
        metadata.setAnnotations(Map.of(PreviewNames.ANNOTATION_CREATED_AT, createdAt));
        return new DeploymentBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(Ownership.selector(preview, PreviewNames.BACKEND_COMPONENT))
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

    public static Service service(PreviewDeployment preview) {
        return new ServiceBuilder()
                .withMetadata(Ownership.metadata(
                        preview,
                        preview.getMetadata().getName(),
                        Ownership.labels(
                                preview,
                                PreviewNames.BACKEND_COMPONENT,
                                preview.getSpec().getCommit())))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Ownership.selector(preview, PreviewNames.BACKEND_COMPONENT))
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
