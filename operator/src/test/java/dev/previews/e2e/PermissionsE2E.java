package dev.previews.e2e;

import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.phase;
import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.IngressSpec;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.SpecCheck;
import dev.previews.testing.Previews;
import dev.previews.workload.SeedJobs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's identity and its permissions: it runs as its ServiceAccount and cannot read
 * Secrets; the paths that need its rarer permissions (putting back a child edited by hand, deleting
 * an Ingress, leaving someone else's object alone) work; and, after the whole tier, every permission
 * the RBAC grants was used, so an excess grant fails the tier just as a missing one does (403).
 * Runs last (see the failsafe configuration's class order).
 */
@EndToEnd
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionsE2E {

    /**
     * Granted permissions the tier does not reach, each with the path that needs it. Keep this list
     * short and true: a permission that no path needs should be removed from the RBAC instead.
     */
    static final Map<String, String> NOT_EXERCISED = Map.of(
            "previews.dev/previewdeployments/finalizers update",
            "not a request: clusters with OwnerReferencesPermissionEnforcement require it to set blockOwnerDeletion on children",
            "coordination.k8s.io/leases create",
            "leader election, off in this tier (LeaderElectionTest and RbacCoverageTest use it)",
            "coordination.k8s.io/leases get",
            "leader election, off in this tier (LeaderElectionTest and RbacCoverageTest use it)",
            "coordination.k8s.io/leases update",
            "leader election, off in this tier (LeaderElectionTest and RbacCoverageTest use it)",
            "coordination.k8s.io/leases patch",
            "leader election, off in this tier (LeaderElectionTest and RbacCoverageTest use it)");

    @Test
    @Order(1)
    void theOperatorRunsAsItsServiceAccount_andCannotReadSecretsOrWritePreviewSpecs(E2EEnvironment env) {
        try (KubernetesClient operator = env.clientAsOperator()) {
            assertThat(can(operator, "", "secrets", "get")).as("get secrets").isFalse();
            assertThat(can(operator, "", "secrets", "list")).as("list secrets").isFalse();
            assertThat(can(operator, "previews.dev", "previewdeployments", "update"))
                    .as("update previewdeployments")
                    .isFalse();
            assertThat(can(operator, "previews.dev", "previewdeployments", "create"))
                    .as("create previewdeployments")
                    .isFalse();
            assertThat(can(operator, "previews.dev", "previewdeployments/status", "patch"))
                    .as("patch previewdeployments/status")
                    .isTrue();
            assertThat(can(operator, "apps", "deployments", "create"))
                    .as("create deployments")
                    .isTrue();
            var refused = Assertions.catchThrowableOfType(
                    KubernetesClientException.class,
                    () -> operator.secrets().inNamespace("default").list());
            assertThat(refused).as("kubectl get secrets as the operator").isNotNull();
            assertThat(refused.getCode()).isEqualTo(403);
            assertThat(refused.getStatus().getMessage()).contains(env.serviceAccountUser());
        }
    }

    @Test
    @Order(2)
    void childrenEditedByHandArePutBack_andAnIngressDroppedFromTheSpecIsDeleted(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("hand-edits", null)) {
            PreviewDeployment p = Previews.preview(ns.name(), "edited", "feature/edited");
            IngressSpec ingress = new IngressSpec();
            ingress.setHost("edited.previews.example.com");
            p.getSpec().setIngress(ingress);
            ns.create(p);
            ns.awaitPreview("edited", ready());

            // kubectl scale deployment edited --replicas=3; kubectl edit svc edited (selector); kubectl edit ingress
            // edited (host)
            env.admin()
                    .apps()
                    .deployments()
                    .inNamespace(ns.name())
                    .withName("edited")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":3}}");
            env.admin()
                    .services()
                    .inNamespace(ns.name())
                    .withName("edited")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"selector\":{\"app.kubernetes.io/instance\":\"someone-else\"}}}");
            env.admin()
                    .network()
                    .v1()
                    .ingresses()
                    .inNamespace(ns.name())
                    .withName("edited")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"rules\":[{\"host\":\"elsewhere.example.com\"}]}}");

            Awaitility.await("hand edits put back")
                    .atMost(E2EEnvironment.WAIT)
                    .pollInterval(E2EEnvironment.POLL)
                    .untilAsserted(() -> {
                        assertThat(ns.deployment("edited").getSpec().getReplicas())
                                .isEqualTo(1);
                        assertThat(ns.service("edited").getSpec().getSelector())
                                .containsEntry("app.kubernetes.io/instance", "edited");
                        assertThat(ns.ingress("edited")
                                        .getSpec()
                                        .getRules()
                                        .get(0)
                                        .getHost())
                                .isEqualTo("edited.previews.example.com");
                    });
            ns.awaitPreview("edited", ready());

            ns.preview("edited").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"ingress\":null}}");
            ns.awaitGone("Ingress edited", () -> ns.ingress("edited"));
            PreviewDeployment after = ns.awaitPreview("edited", ready());
            assertThat(after.getStatus().getExternalUrl()).isNull();
        }
    }

    @Test
    @Order(3)
    void objectsOfThePreviewsNamesThatAreNotItsOwnAreLeftAlone_andTheOperatorSaysSo(E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("clash", null)) {
            KubernetesClient admin = env.admin();
            Map<String, String> foreignLabels = Map.of("app", "postgres");
            var podTemplate = new PodTemplateSpecBuilder()
                    .withNewMetadata()
                    .withLabels(foreignLabels)
                    .endMetadata()
                    .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                    .withName("db")
                    .withImage("postgres:16")
                    .endContainer()
                    .endSpec()
                    .build();

            // someone else's Deployment, Service, Ingress and Job, with the names the previews would use
            HasMetadata deployment = admin.apps()
                    .deployments()
                    .inNamespace(ns.name())
                    .resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName("clash-deployment")
                            .endMetadata()
                            .withNewSpec()
                            .withNewSelector()
                            .withMatchLabels(foreignLabels)
                            .endSelector()
                            .withTemplate(new PodTemplateSpecBuilder(podTemplate)
                                    .editSpec()
                                    .withRestartPolicy("Always")
                                    .endSpec()
                                    .build())
                            .endSpec()
                            .build())
                    .create();
            HasMetadata service = admin.services()
                    .inNamespace(ns.name())
                    .resource(new ServiceBuilder()
                            .withNewMetadata()
                            .withName("clash-service")
                            .endMetadata()
                            .withNewSpec()
                            .addNewPort()
                            .withPort(5432)
                            .withProtocol("TCP")
                            .endPort()
                            .withSelector(foreignLabels)
                            .endSpec()
                            .build())
                    .create();
            HasMetadata ingress = admin.network()
                    .v1()
                    .ingresses()
                    .inNamespace(ns.name())
                    .resource(new IngressBuilder()
                            .withNewMetadata()
                            .withName("clash-ingress")
                            .endMetadata()
                            .withNewSpec()
                            .addNewRule()
                            .withHost("db.example.com")
                            .endRule()
                            .endSpec()
                            .build())
                    .create();
            // the seed Job's name follows the deployment's createdAt: known once the backend is created,
            // whose pods stay pending until the foreign Job has taken the name
            env.kubelet().holdBackends(ns.name(), "clash-job");
            ns.create(Previews.withSeed(Previews.preview(ns.name(), "clash-job", "feature/clash-job")));
            PreviewDeployment seeded = ns.awaitPreview(
                    "clash-job", p -> assertThat(p.getStatus().getCreatedAt()).isNotNull());
            HasMetadata job = admin.batch()
                    .v1()
                    .jobs()
                    .inNamespace(ns.name())
                    .resource(new JobBuilder()
                            .withNewMetadata()
                            .withName(seedJobName(seeded))
                            .endMetadata()
                            .withNewSpec()
                            .withTemplate(podTemplate)
                            .endSpec()
                            .build())
                    .create();
            env.kubelet().releaseBackends(ns.name(), "clash-job");

            ns.create(Previews.preview(ns.name(), "clash-deployment", "feature/clash-deployment"));
            ns.create(Previews.preview(ns.name(), "clash-service", "feature/clash-service"));
            PreviewDeployment withHost = Previews.preview(ns.name(), "clash-ingress", "feature/clash-ingress");
            IngressSpec host = new IngressSpec();
            host.setHost("clash.previews.example.com");
            withHost.getSpec().setIngress(host);
            ns.create(withHost);

            for (HasMetadata foreign : List.of(deployment, service, ingress, job)) {
                String preview =
                        foreign == job ? "clash-job" : foreign.getMetadata().getName();
                PreviewDeployment p = ns.awaitPreview(preview, phase(Phase.Failed));
                condition("Provisioned", "False", "ProvisionFailed").accept(p);
                assertThat(Expect.message(p, "Provisioned"))
                        .contains(
                                foreign.getKind() + " " + foreign.getMetadata().getName()
                                        + " already exists and does not belong to this preview");
                HasMetadata after = admin.resource(foreign).get();
                assertThat(after.getMetadata().getUid())
                        .isEqualTo(foreign.getMetadata().getUid());
                assertThat(after.getMetadata().getOwnerReferences())
                        .as("owners of the foreign %s", foreign.getKind())
                        .isNullOrEmpty();
                assertThat(after.getMetadata().getLabels())
                        .as("labels of the foreign %s", foreign.getKind())
                        .doesNotContainKey("app.kubernetes.io/managed-by");
            }
        }
    }

    /** The seed Job name the operator will use for this provisioned preview (the tier's Job takes it first). */
    private static String seedJobName(PreviewDeployment preview) {
        var resolved = SpecCheck.check(preview, null).resolved();
        return PreviewNames.seedJobName(
                preview.getMetadata().getName(),
                preview.getSpec().getCommit(),
                SeedJobs.fingerprint(preview, resolved.seedImage()));
    }

    @Test
    @Order(4)
    void afterTheWholeTier_everyGrantedPermissionWasUsed_andNoneBeyondTheGrants(E2EEnvironment env) {
        Set<String> missing = new TreeSet<>(E2EExtension.ALL_CLASSES);
        missing.removeAll(E2EExtension.classesRun());
        Assumptions.assumeTrue(
                missing.isEmpty(), "[e2e] the permission audit needs the whole tier; not run: " + missing);

        Set<String> granted = env.rbac().grants();
        Set<String> used = env.requests().permissionsUsed();
        Set<String> beyond = new TreeSet<>(used);
        beyond.removeAll(granted);
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(used);
        unused.removeAll(NOT_EXERCISED.keySet());
        System.err.println("[e2e] permissions granted: " + granted);
        System.err.println("[e2e] permissions used:    " + used);
        assertThat(beyond)
                .as("permissions the operator used that its RBAC does not grant")
                .isEmpty();
        assertThat(unused)
                .as("permissions the RBAC grants that the operator never used in the whole tier "
                        + "(remove them, or add the path that needs them to NOT_EXERCISED with a reason)")
                .isEmpty();
    }

    private static boolean can(KubernetesClient client, String group, String resource, String verb) {
        String[] parts = resource.split("/");
        return client.authorization()
                .v1()
                .selfSubjectAccessReview()
                .create(new SelfSubjectAccessReviewBuilder()
                        .withNewSpec()
                        .withNewResourceAttributes()
                        .withGroup(group)
                        .withResource(parts[0])
                        .withSubresource(parts.length > 1 ? parts[1] : null)
                        .withVerb(verb)
                        .withNamespace("default")
                        .endResourceAttributes()
                        .endSpec()
                        .build())
                .getStatus()
                .getAllowed();
    }
}
