package dev.previews.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.previews.api.Rollover;
import dev.previews.ops.LeaseTimings;
import dev.previews.ops.RunCommand;
import dev.previews.policy.ConfigLoader;
import dev.previews.policy.Plan;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.Durations;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Helm chart, linted and rendered by Helm itself (helm-java: Helm as a native library, offline). */
class HelmChartTest {

    @Test
    void lintPassesInStrictMode() {
        LintResult lint = new Helm(Manifests.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRenderTheOperatorWatchingAllNamespaces() {
        List<GenericKubernetesResource> objects = ChartRendering.render();
        assertThat(objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        "ServiceAccount/preview-operator",
                        "ConfigMap/preview-operator-config",
                        "ClusterRole/preview-operator",
                        "ClusterRoleBinding/preview-operator",
                        "Role/preview-operator-leader-election",
                        "RoleBinding/preview-operator-leader-election",
                        "Service/preview-operator",
                        "Deployment/preview-operator");
        assertThat(objects)
                .allSatisfy(o -> assertThat(UnknownFields.in(Manifests.JSON.convertValue(o, typeOf(o))))
                        .isEmpty());

        ClusterRole role = Manifests.one(objects, ClusterRole.class);
        assertThat(role.getRules()).anySatisfy(r -> assertThat(r.getResources()).containsExactly("deployments"));
        assertThat(role.getRules()).anySatisfy(r -> assertThat(r.getResources()).containsExactly("namespaces"));
        DeployManifestsTest.assertNoWildcardsNoSecrets(role.getRules());

        Deployment d = Manifests.one(objects, Deployment.class);
        DeployManifestsTest.assertRestricted(d.getSpec().getTemplate().getSpec());
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/previews-dev/preview-operator:0.1.0");
        RunCommand run = RunArgs.parse(c.getArgs());
        assertThat(run.processOptions().leaderElection()).isTrue();
        assertThat(run.processOptions().leaseName()).isEqualTo("preview-operator");
        assertThat(run.processOptions().leaseTimings()).isEqualTo(LeaseTimings.DEFAULTS);
        assertThat(run.processOptions().managementPort()).isEqualTo(8081);
        assertThat(RunArgs.configOption(run)).isEqualTo(Path.of("/etc/preview-operator/config.yaml"));

        JsonNode config = ConfigFile.parse(
                Manifests.one(objects, ConfigMap.class).getData().get("config.yaml"));
        assertThat(config).isEqualTo(ConfigFile.DEFAULTS);
        config.get("plans")
                .forEach(plan ->
                        assertThat(Durations.parse(plan.get("ttl").asText())).isPositive());
    }

    @Test
    void watchNamespacesRenderARolePerNamespaceAndOnlyNamespacesClusterWide() {
        List<GenericKubernetesResource> objects = ChartRendering.render("""
        watchNamespaces: [team-a, team-b]
        ingress:
          hostTemplate: "{{name}}.{{namespace}}.previews.example.com"
        plans:
          team: {ttl: 1d12h, maxPreviews: 3, expiry: Deprovision}
        defaultPlan: team
        """);
        ClusterRole clusterRole = Manifests.one(objects, ClusterRole.class);
        assertThat(clusterRole.getMetadata().getName()).isEqualTo("preview-operator-namespaces");
        assertThat(clusterRole.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("namespaces");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("list", "watch");
        });
        List<Role> roles = Manifests.ofKind(objects, "Role").stream()
                .map(o -> Manifests.as(o, Role.class))
                .toList();
        assertThat(roles.stream()
                        .map(r -> r.getMetadata().getNamespace() + "/"
                                + r.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        "team-a/preview-operator",
                        "team-b/preview-operator",
                        "preview-operator/preview-operator-leader-election");
        List<PolicyRule> deployRules =
                Manifests.named(Manifests.objects(Manifests.DEPLOY), ClusterRole.class, "preview-operator")
                        .getRules()
                        .stream()
                        .filter(r -> !r.getResources().contains("namespaces"))
                        .toList();
        roles.stream()
                .filter(r -> r.getMetadata().getNamespace().startsWith("team-"))
                .forEach(r -> assertThat(r.getRules()).isEqualTo(deployRules));
        assertThat(Manifests.ofKind(objects, "RoleBinding").stream()
                        .map(o -> Manifests.as(o, RoleBinding.class))
                        .map(b -> b.getMetadata().getNamespace() + ":"
                                + b.getRoleRef().getKind() + "/"
                                + b.getRoleRef().getName()))
                .containsExactlyInAnyOrder(
                        "team-a:Role/preview-operator",
                        "team-b:Role/preview-operator",
                        "preview-operator:Role/preview-operator-leader-election");

        JsonNode config = ConfigFile.parse(
                Manifests.one(objects, ConfigMap.class).getData().get("config.yaml"));
        assertThat(config.get("namespaces")).hasSize(2);
        assertThat(config.get("namespaces").get(0).asText()).isEqualTo("team-a");
        assertThat(config.get("ingress").get("hostTemplate").asText())
                .isEqualTo("{{name}}.{{namespace}}.previews.example.com");
        assertThat(config.get("defaultPlan").asText()).isEqualTo("team");
        // values merge: the default plans stay, the new one is added
        assertThat(config.get("plans").get("team").toString())
                .isEqualTo("{\"ttl\":\"1d12h\",\"maxPreviews\":3,\"expiry\":\"Deprovision\"}");
        assertThat(config.get("plans").has("starter")).isTrue();
    }

    @Test
    void leaderElectionTimingsArePassedToTheOperatorAndCheckedByTheSchema() {
        Deployment d = Manifests.one(
                ChartRendering.render(
                        "leaderElection: {leaseDuration: 30s, renewDeadline: 20s, retryPeriod: 1500ms}\n"),
                Deployment.class);
        assertThat(RunArgs.parse(d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getArgs())
                        .processOptions()
                        .leaseTimings())
                .isEqualTo(new LeaseTimings(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(1500)));
        assertThatThrownBy(() -> ChartRendering.render("leaderElection: {retryPeriod: 2 seconds}\n"))
                .hasMessageContaining("retryPeriod");
    }

    @Test
    void leaderElectionOffMeansOneReplicaRecreatedAndNoLeaseRights() {
        List<GenericKubernetesResource> objects = ChartRendering.render("leaderElection: {enabled: false}\n");
        Deployment d = Manifests.one(objects, Deployment.class);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(RunArgs.parse(d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getArgs())
                        .processOptions()
                        .leaderElection())
                .isFalse();
        assertThat(Manifests.ofKind(objects, "Role")).isEmpty();
        assertThatThrownBy(() -> ChartRendering.render("leaderElection: {enabled: false}\nreplicaCount: 2\n"))
                .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled");
    }

    @Test
    void serviceMonitorAndSchedulingValuesAreRendered() {
        List<GenericKubernetesResource> objects = ChartRendering.render("""
        metrics:
          serviceMonitor: {enabled: true, interval: 15s, labels: {release: prometheus}}
        nodeSelector: {kubernetes.io/os: linux}
        tolerations: [{key: dedicated, operator: Equal, value: platform, effect: NoSchedule}]
        image: {digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
        logFormat: json
        """);
        GenericKubernetesResource sm =
                Manifests.ofKind(objects, "ServiceMonitor").get(0);
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(sm.getMetadata().getLabels()).containsEntry("release", "prometheus");
        Map<String, Object> endpoint = ((List<Map<String, Object>>) sm.get("spec", "endpoints")).get(0);
        assertThat(endpoint)
                .containsEntry("port", "management")
                .containsEntry("path", "/metrics")
                .containsEntry("interval", "15s");
        Service svc = Manifests.one(objects, Service.class);
        assertThat(svc.getSpec().getSelector())
                .isEqualTo(Map.of(
                        "app.kubernetes.io/name",
                        "preview-operator",
                        "app.kubernetes.io/instance",
                        "preview-operator"));

        Deployment d = Manifests.one(objects, Deployment.class);
        assertThat(d.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(d.getSpec().getTemplate().getSpec().getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage())
                .isEqualTo(
                        "ghcr.io/previews-dev/preview-operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(c.getArgs()).containsSequence("--log-format", "json");
    }

    @Test
    void aPlansExtensionWarningAndSleepReachTheConfigurationTheOperatorReads() throws Exception {
        List<GenericKubernetesResource> objects = ChartRendering.render("""
        plans:
          starter: {ttl: 5d, maxPreviews: 40, expiry: Delete, maxTtl: 10d, warnBefore: 1d, sleepAfter: 12h, awake: "Mon-Fri 07:00-20:00 Europe/Berlin", rollover: BlueGreen}
        """);
        String config = Manifests.one(objects, ConfigMap.class).getData().get("config.yaml");
        Plan starter = ConfigLoader.parse(config).plan("starter").orElseThrow();
        assertThat(starter.maxTtl()).isEqualTo(Duration.ofDays(10));
        assertThat(starter.warnBefore()).isEqualTo(Duration.ofDays(1));
        assertThat(starter.sleepAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(starter.awake()).hasToString("Mon-Fri 07:00-20:00 Europe/Berlin");
        assertThat(starter.rollover()).isEqualTo(Rollover.BlueGreen);
    }

    @Test
    void aPlansDefaultsReachTheConfigurationTheOperatorReads() throws Exception {
        List<GenericKubernetesResource> objects = ChartRendering.render("""
        plans:
          starter:
            ttl: 5d
            maxPreviews: 40
            expiry: Delete
            defaults:
              env:
                - {name: LOG_LEVEL, value: info}
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: preview-db, key: password, optional: true}}
              envFrom: [{configMapRef: {name: preview-base}}, {secretRef: {name: preview-db}, prefix: DB_}]
              imagePullSecrets: [{name: registry-cred}]
              resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: 1, memory: 512Mi}}
              seedResources: {limits: {memory: 0.5Gi}}
        """);
        String config = Manifests.one(objects, ConfigMap.class).getData().get("config.yaml");
        PodDefaults defaults =
                ConfigLoader.parse(config).plan("starter").orElseThrow().defaults();
        assertThat(defaults.env()).extracting(EnvVar::getName).containsExactly("LOG_LEVEL", "DB_PASSWORD");
        assertThat(defaults.env().get(1).getValueFrom().getSecretKeyRef().getOptional())
                .isTrue();
        assertThat(defaults.envFrom()).hasSize(2);
        assertThat(defaults.envFrom().get(1).getPrefix()).isEqualTo("DB_");
        assertThat(defaults.imagePullSecrets()).containsExactly(new LocalObjectReference("registry-cred"));
        assertThat(defaults.resources().getLimits())
                .isEqualTo(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")));
        assertThat(defaults.seedResources().getLimits().get("memory").getNumericalAmount())
                .isEqualByComparingTo(new Quantity("512Mi").getNumericalAmount());
        assertThat(ConfigLoader.parse(config).plan("professional").orElseThrow().defaults())
                .isEqualTo(PodDefaults.NONE);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("unknown top-level key", "replicas: 2\n", "additional properties 'replicas' not allowed"),
                Arguments.of(
                        "unknown nested key",
                        "leaderElection: {enable: true}\n",
                        "at '/leaderElection': additional properties 'enable' not allowed"),
                Arguments.of("wrong type", "replicaCount: two\n", "at '/replicaCount': got string, want integer"),
                Arguments.of(
                        "boolean as string",
                        "leaderElection: {enabled: \"yes\"}\n",
                        "at '/leaderElection/enabled': got string, want boolean"),
                Arguments.of(
                        "unknown expiry policy",
                        "plans: {starter: {ttl: 5d, maxPreviews: 40, expiry: Archive}}\n",
                        "at '/plans/starter/expiry'"),
                Arguments.of(
                        "ttl not a duration",
                        "plans: {starter: {ttl: 5 days, maxPreviews: 40, expiry: Delete}}\n",
                        "at '/plans/starter/ttl'"),
                Arguments.of(
                        "negative limit",
                        "plans: {starter: {ttl: 5d, maxPreviews: -1, expiry: Delete}}\n",
                        "at '/plans/starter/maxPreviews'"),
                Arguments.of(
                        "plan without ttl",
                        "plans: {small: {maxPreviews: 1, expiry: Delete}}\n",
                        "at '/plans/small': missing property 'ttl'"),
                Arguments.of(
                        "awake hours not a schedule",
                        "plans: {starter: {ttl: 5d, maxPreviews: 40, expiry: Delete, awake: weekdays}}\n",
                        "at '/plans/starter/awake'"),
                Arguments.of(
                        "unknown key in a plan's defaults",
                        "plans: {starter: {ttl: 5d, maxPreviews: 40, expiry: Delete, defaults: {labels: {a: b}}}}\n",
                        "at '/plans/starter/defaults': additional properties 'labels' not allowed"),
                Arguments.of(
                        "envFrom source with a typo",
                        "plans: {starter: {ttl: 5d, maxPreviews: 40, expiry: Delete, defaults: {envFrom: [{secretRef: {nme: db}}]}}}\n",
                        "at '/plans/starter/defaults/envFrom/0/secretRef'"),
                Arguments.of(
                        "image pull secrets as names",
                        "plans: {starter: {ttl: 5d, maxPreviews: 40, expiry: Delete, defaults: {imagePullSecrets: [cred]}}}\n",
                        "at '/plans/starter/defaults/imagePullSecrets/0': got string, want object"),
                Arguments.of("namespace not a DNS label", "watchNamespaces: [Team_A]\n", "at '/watchNamespaces/0'"),
                Arguments.of("log format", "logFormat: xml\n", "at '/logFormat'"),
                Arguments.of("port out of range", "managementPort: 70000\n", "at '/managementPort'"),
                Arguments.of(
                        "default plan not configured",
                        "defaultPlan: enterprise\n",
                        "defaultPlan \"enterprise\" names no plan"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRejected(String what, String values, String message) {
        assertThatThrownBy(() -> ChartRendering.template(values)).hasMessageContaining(message);
    }

    @Test
    void chartRbacEqualsDeployRbac() {
        List<GenericKubernetesResource> chart = ChartRendering.render();
        List<GenericKubernetesResource> deploy = Manifests.objects(Manifests.DEPLOY);
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
            assertThat(comparable(Manifests.ofKind(chart, kind)))
                    .as(kind)
                    .isEqualTo(comparable(Manifests.ofKind(deploy, kind)));
        }
    }

    @Test
    void chartRendersTheSameOperatorDeploymentServiceAndConfigurationAsDeploy() {
        List<GenericKubernetesResource> chart = ChartRendering.render();
        List<GenericKubernetesResource> deploy = Manifests.objects(Manifests.DEPLOY);
        Deployment fromChart = Manifests.one(chart, Deployment.class);
        Deployment fromDeploy = Manifests.one(deploy, Deployment.class);
        assertThat(fromChart.getSpec().getTemplate().getSpec())
                .isEqualTo(fromDeploy.getSpec().getTemplate().getSpec());
        assertThat(fromChart.getSpec().getSelector())
                .isEqualTo(fromDeploy.getSpec().getSelector());
        assertThat(fromChart.getSpec().getStrategy())
                .isEqualTo(fromDeploy.getSpec().getStrategy());
        assertThat(Manifests.one(chart, Service.class).getSpec())
                .isEqualTo(Manifests.one(deploy, Service.class).getSpec());
        assertThat(ConfigFile.parse(
                        Manifests.one(chart, ConfigMap.class).getData().get("config.yaml")))
                .isEqualTo(ConfigFile.parse(
                        Manifests.one(deploy, ConfigMap.class).getData().get("config.yaml")));
    }

    @Test
    void chartCrdIsTheTopLevelCrd() throws Exception {
        List<Path> top = Manifests.files(Manifests.CRDS);
        List<Path> chart = Manifests.files(Manifests.CHART.resolve("crds"));
        assertThat(chart.stream().map(p -> p.getFileName().toString()))
                .containsExactlyElementsOf(
                        top.stream().map(p -> p.getFileName().toString()).toList());
        for (int i = 0; i < top.size(); i++) {
            assertThat(Files.readString(chart.get(i)))
                    .as(chart.get(i) + ": copy it from crds/")
                    .isEqualTo(Files.readString(top.get(i)));
        }
    }

    /** Objects as the API server would compare them: kind, name, namespace and content, without labels. */
    private static List<JsonNode> comparable(List<GenericKubernetesResource> objects) {
        return objects.stream()
                .map(o -> {
                    ObjectNode node = Manifests.JSON.convertValue(o, ObjectNode.class);
                    ObjectNode meta = (ObjectNode) node.get("metadata");
                    meta.remove("labels");
                    meta.remove("annotations");
                    return (JsonNode) node;
                })
                .sorted(Comparator.comparing(n -> n.at("/metadata/namespace").asText() + "/"
                        + n.at("/metadata/name").asText()))
                .toList();
    }

    private static Class<? extends HasMetadata> typeOf(GenericKubernetesResource o) {
        return switch (o.getKind()) {
            case "ServiceAccount" -> ServiceAccount.class;
            case "ConfigMap" -> ConfigMap.class;
            case "ClusterRole" -> ClusterRole.class;
            case "ClusterRoleBinding" -> ClusterRoleBinding.class;
            case "Role" -> Role.class;
            case "RoleBinding" -> RoleBinding.class;
            case "Service" -> Service.class;
            case "Deployment" -> Deployment.class;
            default -> throw new AssertionError("unexpected kind " + o.getKind());
        };
    }
}
