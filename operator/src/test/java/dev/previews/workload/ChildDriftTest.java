package dev.previews.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Children are owned whole: a hand edit is drift, what the API server fills in is not. */
class ChildDriftTest {
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final PreviewDeployment PREVIEW = withUid(Previews.preview("team", "shop", "feature/shop"));
    static final Deployment DESIRED =
            BackendResources.deployment(PREVIEW, "registry.example.com/shop/api:a1b2c3d", "2026-11-02T09:00:00Z");

    static PreviewDeployment withUid(PreviewDeployment p) {
        p.getMetadata().setUid("shop-uid");
        return p;
    }

    /** The Deployment as the API server stores it: with its defaults and a status. */
    static Deployment asStored() {
        Deployment d = JSON.clone(DESIRED);
        d.getSpec()
                .setStrategy(new DeploymentStrategyBuilder()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate()
                        .withMaxSurge(new IntOrString("25%"))
                        .withMaxUnavailable(new IntOrString("25%"))
                        .endRollingUpdate()
                        .build());
        d.getSpec().setRevisionHistoryLimit(10);
        d.getSpec().setProgressDeadlineSeconds(600);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        pod.setRestartPolicy("Always");
        pod.setTerminationGracePeriodSeconds(30L);
        pod.setDnsPolicy("ClusterFirst");
        pod.setSchedulerName("default-scheduler");
        var c = pod.getContainers().get(0);
        c.setTerminationMessagePath("/dev/termination-log");
        c.setTerminationMessagePolicy("File");
        c.setImagePullPolicy("IfNotPresent");
        c.getReadinessProbe().setTimeoutSeconds(1);
        c.getReadinessProbe().setSuccessThreshold(1);
        c.getReadinessProbe().setFailureThreshold(3);
        d.getMetadata().setAnnotations(new HashMap<>(d.getMetadata().getAnnotations()));
        d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
        d.getMetadata().setLabels(new HashMap<>(d.getMetadata().getLabels()));
        d.getMetadata().getLabels().put("team", "checkout");
        return d;
    }

    @Test
    void whatTheApiServerFillsInIsNoDrift() {
        assertThat(ChildDrift.of(DESIRED, asStored())).isEmpty();
    }

    static Stream<Arguments> handEdits() {
        return Stream.of(
                edit("spec.template.spec.hostNetwork", p -> p.setHostNetwork(true)),
                edit("spec.template.spec.hostPID", p -> p.setHostPID(true)),
                edit(
                        "spec.template.spec.volumes",
                        p -> p.setVolumes(List.of(new VolumeBuilder()
                                .withName("root")
                                .withNewHostPath()
                                .withPath("/")
                                .endHostPath()
                                .build()))),
                edit("spec.template.spec.serviceAccountName", p -> p.setServiceAccountName("admin")),
                edit("spec", p -> p.setAutomountServiceAccountToken(true)), // the operator sets it false
                edit(
                        "spec.template.spec.containers[0].securityContext",
                        p -> p.getContainers().get(0).getSecurityContext().setPrivileged(true)),
                edit(
                        "spec.template.spec.containers[0].securityContext",
                        p -> p.getContainers()
                                .get(0)
                                .getSecurityContext()
                                .setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of("ALL")))),
                edit(
                        "spec.template.spec.securityContext",
                        p -> p.getSecurityContext().setRunAsUser(0L)),
                edit("spec.template.spec.nodeSelector", p -> p.setNodeSelector(Map.of("pool", "gpu"))),
                edit(
                        "spec.template.spec.terminationGracePeriodSeconds",
                        p -> p.setTerminationGracePeriodSeconds(3600L)));
    }

    static Arguments edit(String path, Consumer<PodSpec> change) {
        return Arguments.of(path, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handEdits")
    void aHandEditOfThePodIsDrift_andRestoringTakesItOut(String path, Consumer<PodSpec> change) {
        Deployment edited = asStored();
        change.accept(edited.getSpec().getTemplate().getSpec());

        assertThat(ChildDrift.of(DESIRED, edited))
                .hasValueSatisfying(p -> assertThat(p).startsWith(path));

        Deployment restored = ChildDrift.restored(DESIRED, edited);
        assertThat(ChildDrift.of(DESIRED, restored)).isEmpty();
        assertThat(restored.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(restored.getMetadata().getLabels()).containsEntry("team", "checkout");
    }

    @Test
    void aPausedDeploymentIsDrift() {
        Deployment paused = asStored();
        paused.getSpec().setPaused(true);
        assertThat(ChildDrift.of(DESIRED, paused)).contains("spec.paused");
    }

    @Test
    void aServiceKeepsItsClusterIp_andItsSelectorIsTheOperators() {
        Service desired = BackendResources.service(PREVIEW);
        Service stored = JSON.clone(desired);
        stored.getSpec().setClusterIP("10.96.0.17");
        stored.getSpec().setClusterIPs(List.of("10.96.0.17"));
        stored.getSpec().setSessionAffinity("None");
        assertThat(ChildDrift.of(desired, stored)).isEmpty();

        Service narrowed = JSON.clone(stored);
        narrowed.getSpec().getSelector().put("canary", "true");
        assertThat(ChildDrift.of(desired, narrowed)).contains("spec.selector");
        Service external = JSON.clone(stored);
        external.getSpec().setExternalIPs(List.of("203.0.113.7"));
        assertThat(ChildDrift.of(desired, external)).contains("spec.externalIPs");

        Service restored = ChildDrift.restored(desired, external);
        assertThat(restored.getSpec().getClusterIP()).isEqualTo("10.96.0.17");
        assertThat(restored.getSpec().getExternalIPs()).isNullOrEmpty();
        assertThat(ChildDrift.of(desired, restored)).isEmpty();
    }
}
