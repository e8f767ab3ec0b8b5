package dev.previews.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The desired Deployment of a commit that serves while the spec already names the next one (a
 * BlueGreen rollover under way, or one that failed): the spec no longer says what that commit's
 * backend was made from, so it is kept as it is, but for what the operator owns whatever the commit:
 * its replicas (it sleeps and wakes like any backend) and restricted Pod Security (a hand edit that
 * adds a host namespace, a privileged container or an init container is reverted). Pure function.
 */
public final class KeptBackend {
    private KeptBackend() {}

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    public static Deployment of(Deployment actual, int replicas) {
        Deployment kept = JSON.clone(actual);
        ObjectMeta m = actual.getMetadata();
        kept.setMetadata(new ObjectMetaBuilder()
                .withName(m.getName())
                .withNamespace(m.getNamespace())
                .withLabels(m.getLabels())
                .withAnnotations(m.getAnnotations())
                .withOwnerReferences(m.getOwnerReferences())
                .build());
        kept.setStatus(null);
        kept.getSpec().setReplicas(replicas);
        PodSpec pod = kept.getSpec().getTemplate().getSpec();
        pod.setSecurityContext(RestrictedPodSecurity.pod());
        pod.setAutomountServiceAccountToken(false);
        pod.setHostNetwork(null);
        pod.setHostPID(null);
        pod.setHostIPC(null);
        pod.setInitContainers(null);
        pod.setEphemeralContainers(null);
        for (Container c : pod.getContainers()) {
            c.setSecurityContext(RestrictedPodSecurity.container());
        }
        return kept;
    }
}
