package dev.previews.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.previews.ops.RunCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What `kubectl apply -f crds/ -f deploy/` applies: every file loads, every object is a kind we
 * mean to ship with its required fields, no field is unknown to the Kubernetes API, the references
 * between the objects resolve, and the operator's pod meets the restricted Pod Security Standard.
 */
class DeployManifestsTest {
    static final String NS = "preview-operator";
    static final Map<String, String> API_VERSIONS = Map.of(
            "Namespace",
            "v1",
            "ServiceAccount",
            "v1",
            "ConfigMap",
            "v1",
            "Service",
            "v1",
            "ClusterRole",
            "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding",
            "rbac.authorization.k8s.io/v1",
            "Role",
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            "rbac.authorization.k8s.io/v1",
            "Deployment",
            "apps/v1");
    static final List<GenericKubernetesResource> objects = Manifests.objects(Manifests.DEPLOY);

    static <T extends HasMetadata> List<T> all(Class<T> type) {
        return Manifests.ofKind(objects, type.getSimpleName()).stream()
                .map(o -> Manifests.as(o, type))
                .toList();
    }

    @Test
    void everyFileHoldsKnownKindsWithTheirRequiredFieldsAndNoUnknownField() {
        List<Path> files = Manifests.files(Manifests.DEPLOY);
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            List<JsonNode> docs = Manifests.documents(file);
            assertThat(docs).as(file + " holds objects").isNotEmpty();
            for (JsonNode doc : docs) {
                String kind = doc.path("kind").asText();
                assertThat(API_VERSIONS).as(file + ": kind " + kind).containsKey(kind);
                assertThat(doc.path("apiVersion").asText())
                        .as(file + ": apiVersion of " + kind)
                        .isEqualTo(API_VERSIONS.get(kind));
                String name = doc.path("metadata").path("name").asText();
                assertThat(name).as(file + ": metadata.name").matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
                boolean clusterScoped =
                        Set.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(kind);
                assertThat(doc.path("metadata").path("namespace").asText(null))
                        .as(file + ": namespace of " + kind + " " + name)
                        .isEqualTo(clusterScoped ? null : NS);
                Class<? extends HasMetadata> type = typeOf(kind);
                HasMetadata typed = Manifests.JSON.convertValue(doc, type);
                assertThat(UnknownFields.in(typed))
                        .as(file + ": fields unknown to " + kind)
                        .isEmpty();
            }
        }
    }

    @Test
    void theNamespaceComesFirstAndEnforcesRestrictedPodSecurity() {
        assertThat(Manifests.files(Manifests.DEPLOY).get(0).getFileName().toString())
                .isEqualTo("00-namespace.yaml");
        Namespace ns = Manifests.one(objects, Namespace.class);
        assertThat(ns.getMetadata().getName()).isEqualTo(NS);
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void crdsDirectoryHoldsTheCustomResourceDefinition() {
        List<GenericKubernetesResource> crds = Manifests.objects(Manifests.CRDS);
        assertThat(crds).singleElement().satisfies(o -> {
            CustomResourceDefinition crd = Manifests.as(o, CustomResourceDefinition.class);
            assertThat(crd.getMetadata().getName()).isEqualTo("previewdeployments.previews.dev");
            assertThat(crd.getSpec().getGroup()).isEqualTo("previews.dev");
            assertThat(crd.getSpec().getNames().getKind()).isEqualTo("PreviewDeployment");
            assertThat(crd.getSpec().getVersions())
                    .anySatisfy(v -> assertThat(v.getName()).isEqualTo("v1alpha1"));
        });
    }

    @Test
    void theOperatorPodIsRestrictedHasProbesOnTheManagementPortRequestsAndLimits() {
        Deployment d = Manifests.one(objects, Deployment.class);
        assertThat(d.getSpec().getSelector().getMatchLabels()).isNotEmpty();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertRestricted(pod);
        assertThat(pod.getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getImage()).matches("[^:@ ]+(:[\\w.-]+|@sha256:[a-f0-9]{64})");
            ContainerPort management = c.getPorts().stream()
                    .filter(p -> "management".equals(p.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(management.getContainerPort()).isEqualTo(8081);
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
            assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
            assertThat(c.getEnv()).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
                assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
            });
        });
    }

    @Test
    void theOperatorRunsWithTheMountedConfigurationAndLeaderElection() {
        Deployment d = Manifests.one(objects, Deployment.class);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        RunCommand run = RunArgs.parse(c.getArgs());
        assertThat(run.processOptions().managementPort()).isEqualTo(8081);
        assertThat(run.processOptions().leaderElection()).isTrue();
        assertThat(run.processOptions().leaseName()).isEqualTo("preview-operator");
        Path config = RunArgs.configOption(run);
        assertThat(config).isEqualTo(Path.of("/etc/preview-operator/config.yaml"));

        VolumeMount mount = c.getVolumeMounts().stream()
                .filter(m -> config.startsWith(m.getMountPath()))
                .findFirst()
                .orElseThrow();
        assertThat(mount.getReadOnly()).isTrue();
        Volume volume = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName()))
                .findFirst()
                .orElseThrow();
        ConfigMap cm =
                Manifests.named(objects, ConfigMap.class, volume.getConfigMap().getName());
        assertThat(cm.getData()).containsKey(config.getFileName().toString());
        assertThat(ConfigFile.parse(cm.getData().get("config.yaml"))).isEqualTo(ConfigFile.DEFAULTS);
    }

    @Test
    void referencesResolve() {
        Deployment d = Manifests.one(objects, Deployment.class);
        ServiceAccount sa = Manifests.named(
                objects,
                ServiceAccount.class,
                d.getSpec().getTemplate().getSpec().getServiceAccountName());
        Service svc = Manifests.one(objects, Service.class);
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(svc.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("management"));

        for (ClusterRoleBinding b : all(ClusterRoleBinding.class)) {
            assertRefersTo(b.getRoleRef(), b.getSubjects(), sa, null);
        }
        for (RoleBinding b : all(RoleBinding.class)) {
            assertRefersTo(b.getRoleRef(), b.getSubjects(), sa, b.getMetadata().getNamespace());
        }
    }

    @Test
    void rbacHasNoWildcardsAndNoSecrets() {
        List<PolicyRule> rules = Stream.concat(
                        all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                        all(Role.class).stream().flatMap(r -> r.getRules().stream()))
                .toList();
        assertThat(rules).isNotEmpty();
        assertNoWildcardsNoSecrets(rules);
    }

    static void assertNoWildcardsNoSecrets(List<PolicyRule> rules) {
        for (PolicyRule rule : rules) {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources())
                    .doesNotContain("*")
                    .noneMatch(r -> r.startsWith("secrets") || r.endsWith("/*"));
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate", "deletecollection");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        }
    }

    private void assertRefersTo(RoleRef ref, List<Subject> subjects, ServiceAccount sa, String namespace) {
        if (ref.getKind().equals("ClusterRole")) {
            Manifests.named(objects, ClusterRole.class, ref.getName());
        } else {
            Role role = Manifests.named(objects, Role.class, ref.getName());
            assertThat(role.getMetadata().getNamespace()).isEqualTo(namespace);
        }
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        });
    }

    /** The restricted Pod Security Standard, as the namespace label enforces it. */
    static void assertRestricted(PodSpec pod) {
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        assertThat(pod.getContainers()).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
        });
    }

    private static Class<? extends HasMetadata> typeOf(String kind) {
        return switch (kind) {
            case "Namespace" -> Namespace.class;
            case "ServiceAccount" -> ServiceAccount.class;
            case "ConfigMap" -> ConfigMap.class;
            case "Service" -> Service.class;
            case "ClusterRole" -> ClusterRole.class;
            case "ClusterRoleBinding" -> ClusterRoleBinding.class;
            case "Role" -> Role.class;
            case "RoleBinding" -> RoleBinding.class;
            case "Deployment" -> Deployment.class;
            default -> throw new AssertionError("unexpected kind " + kind);
        };
    }
}
