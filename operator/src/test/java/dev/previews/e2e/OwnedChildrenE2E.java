package dev.previews.e2e;

import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.IngressSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * On the real API server, whose defaults fill in what the operator leaves out: a preview's children
 * are owned whole. A hand edit of the backend's pod that weakens its security (host namespaces, a
 * hostPath volume, a service account and its token, added capabilities, root) is reverted; what
 * the API server defaulted (probe timings, the strategy, termination settings, the Service's cluster
 * IP) is left alone, so a reconcile that compares everything anew writes nothing. The operator from
 * before this test compared only its own fields and let hostNetwork stay.
 */
@EndToEnd
class OwnedChildrenE2E {
    @Test
    void handEditsOfThePodAreReverted_whileTheApiServersDefaultsStay(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("owned", null)) {
            PreviewDeployment p = Previews.preview(ns.name(), "owned", "feature/owned");
            p.getSpec().getBackend().setReadinessPath("/healthz");
            p.getSpec().getBackend().setEnv(List.of(new EnvVar("MODE", "demo", null)));
            p.getSpec()
                    .getBackend()
                    .setResources(new ResourceRequirementsBuilder()
                            .addToRequests("cpu", new Quantity("0.25"))
                            .addToLimits("memory", new Quantity("1024Mi"))
                            .build());
            IngressSpec ingress = new IngressSpec();
            ingress.setHost("owned.previews.example.com");
            p.getSpec().setIngress(ingress);
            ns.create(p);
            ns.awaitPreview("owned", ready());

            // a change of the spec that asks nothing new of the children: everything is compared against
            // what the API server stored, defaults and all, and nothing is written
            int from = env.requests().size();
            String deployment = ns.deployment("owned").getMetadata().getResourceVersion();
            String service = ns.service("owned").getMetadata().getResourceVersion();
            String ingressVersion = ns.ingress("owned").getMetadata().getResourceVersion();
            ns.preview("owned").edit(q -> {
                q.getSpec().setTtl("1d");
                return q;
            });
            ns.awaitPreview(
                    "owned",
                    q -> assertThat(q.getStatus().getObservedGeneration())
                            .isEqualTo(q.getMetadata().getGeneration()));
            assertThat(childWrites(env, from))
                    .as("writes to children after a spec change that asks for none")
                    .isEmpty();
            assertThat(ns.deployment("owned").getMetadata().getResourceVersion())
                    .isEqualTo(deployment);
            assertThat(ns.service("owned").getMetadata().getResourceVersion()).isEqualTo(service);
            assertThat(ns.ingress("owned").getMetadata().getResourceVersion()).isEqualTo(ingressVersion);

            Map<String, Consumer<PodSpec>> edits = new LinkedHashMap<>();
            edits.put("hostNetwork", pod -> pod.setHostNetwork(true));
            edits.put("hostPID", pod -> pod.setHostPID(true));
            edits.put("a hostPath volume", pod -> {
                pod.setVolumes(List.of(new VolumeBuilder()
                        .withName("host")
                        .withNewHostPath()
                        .withPath("/")
                        .endHostPath()
                        .build()));
                pod.getContainers()
                        .get(0)
                        .setVolumeMounts(List.of(new VolumeMountBuilder()
                                .withName("host")
                                .withMountPath("/host")
                                .build()));
            });
            edits.put("a service account", pod -> pod.setServiceAccountName("default"));
            edits.put("the token automounted", pod -> pod.setAutomountServiceAccountToken(true));
            edits.put(
                    "an added capability",
                    pod -> container(pod)
                            .getSecurityContext()
                            .setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of("ALL"))));
            // privileged itself: this control plane refuses it (--allow-privileged=false), as many do
            edits.put("root and privilege escalation", pod -> {
                container(pod).getSecurityContext().setAllowPrivilegeEscalation(true);
                container(pod).getSecurityContext().setRunAsNonRoot(false);
                container(pod).getSecurityContext().setRunAsUser(0L);
            });
            for (var edit : edits.entrySet()) {
                Deployment before = ns.deployment("owned");
                editAsAPerson(
                        env,
                        ns,
                        d -> edit.getValue().accept(d.getSpec().getTemplate().getSpec()));
                Predicate<PodSpec> restored = pod -> !Boolean.TRUE.equals(pod.getHostNetwork())
                        && !Boolean.TRUE.equals(pod.getHostPID())
                        && isEmpty(pod.getVolumes())
                        && pod.getServiceAccountName() == null
                        && Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())
                        && isEmpty(container(pod)
                                .getSecurityContext()
                                .getCapabilities()
                                .getAdd())
                        && !Boolean.TRUE.equals(
                                container(pod).getSecurityContext().getPrivileged())
                        && Boolean.FALSE.equals(
                                container(pod).getSecurityContext().getAllowPrivilegeEscalation())
                        && isEmpty(container(pod).getVolumeMounts());
                await("the pod template back from " + edit.getKey())
                        .atMost(E2EEnvironment.WAIT)
                        .pollInterval(E2EEnvironment.POLL)
                        .until(() -> {
                            Deployment now = ns.deployment("owned");
                            return now.getMetadata().getGeneration()
                                            > before.getMetadata().getGeneration()
                                    && restored.test(now.getSpec().getTemplate().getSpec());
                        });
            }
            ns.awaitPreview("owned", ready());
            assertThat(env.failedReconciles(ns.name())).isEmpty();
        }
    }

    /** An edit as kubectl edit makes it: read, change, write; again when the controller wrote in between. */
    private static void editAsAPerson(E2EEnvironment env, TestNamespace ns, Consumer<Deployment> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                env.admin()
                        .apps()
                        .deployments()
                        .inNamespace(ns.name())
                        .withName("owned")
                        .edit(d -> {
                            change.accept(d);
                            return d;
                        });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) throw e;
            }
        }
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static Container container(PodSpec pod) {
        return pod.getContainers().get(0);
    }

    private static List<OperatorRequests.Request> childWrites(E2EEnvironment env, int from) {
        return OperatorRequests.writes(env.requests().since(from)).stream()
                .filter(r -> r.path().contains("/deployments")
                        || r.path().contains("/services")
                        || r.path().contains("/ingresses"))
                .toList();
    }
}
