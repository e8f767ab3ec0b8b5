package dev.previews.e2e;

import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * GitOps: Argo CD (or `kubectl apply --server-side`) owns the preview's spec through server-side
 * apply, the operator owns its status. Edits applied while the operator is writing status go through
 * without conflicts, neither side takes the other's fields, and what Argo CD applied is what stays.
 */
@EndToEnd
class FieldOwnershipE2E {
    static final String ARGO = "argocd-controller";

    @Test
    void aPreviewAppliedServerSideByArgoCd_andEditedWhileTheOperatorWritesStatus_hasNoConflictsAndNoFightOverFields(
            E2EEnvironment env) {
        try (TestNamespace ns = env.namespace("ssa", null)) {
            int requestsAtStart = env.requests().size();

            // the first sync: Argo CD applies with --force-conflicts, as it does for server-side apply
            env.admin()
                    .resource(manifest(ns, 1))
                    .fieldManager(ARGO)
                    .forceConflicts()
                    .serverSideApply();

            // further syncs while the operator provisions, seeds and writes status: each one right after a
            // status write (every sync changes the spec, so the operator writes status again), without
            // forcing, so that a field the operator had taken would answer 409 here
            int version = 1;
            String lastStatus = null;
            while (version < 6) {
                String previous = lastStatus;
                lastStatus = Awaitility.await("a status write after sync " + version)
                        .atMost(E2EEnvironment.WAIT)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> statusOf(ns.get("argo-app")), s -> s != null && !s.equals(previous));
                version++;
                env.admin().resource(manifest(ns, version)).fieldManager(ARGO).serverSideApply();
            }
            String lastVersion = String.valueOf(version);

            PreviewDeployment p = ns.awaitPreview("argo-app", q -> {
                ready().accept(q);
                assertThat(env(ns.deployment("argo-app")))
                        .as("backend env after the last sync")
                        .contains("APP_VERSION=" + lastVersion);
            });

            // the spec is what Argo CD applied last, untouched by the operator
            PreviewDeployment applied = manifest(ns, version);
            assertThat(p.getSpec().getBranch()).isEqualTo(applied.getSpec().getBranch());
            assertThat(p.getSpec().getCommit()).isEqualTo(applied.getSpec().getCommit());
            assertThat(p.getSpec().getBackend().getImage())
                    .isEqualTo(applied.getSpec().getBackend().getImage());
            assertThat(p.getSpec().getBackend().getEnv())
                    .isEqualTo(applied.getSpec().getBackend().getEnv());
            assertThat(p.getSpec().getSeed().getCommand())
                    .isEqualTo(applied.getSpec().getSeed().getCommand());
            assertThat(p.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "shop");
            assertThat(p.getMetadata().getAnnotations())
                    .containsEntry(
                            "argocd.argoproj.io/tracking-id",
                            "shop:previews.dev/PreviewDeployment:" + ns.name() + "/argo-app");

            // managedFields: Argo CD owns spec and its metadata; every other manager (the operator) owns status only
            List<ManagedFieldsEntry> managers = p.getMetadata().getManagedFields();
            assertThat(managers)
                    .filteredOn(m -> ARGO.equals(m.getManager()))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.getOperation()).isEqualTo("Apply");
                        assertThat(topLevelFields(m)).contains("f:spec", "f:metadata");
                    });
            assertThat(managers)
                    .filteredOn(m -> !ARGO.equals(m.getManager()))
                    .isNotEmpty()
                    .allSatisfy(m -> assertThat(topLevelFields(m))
                            .as("fields of manager %s (%s)", m.getManager(), m.getOperation())
                            .containsOnly("f:status"));

            // the operator wrote status throughout, and the API server never answered it 409
            List<OperatorRequests.Request> mine = env.requests().since(requestsAtStart).stream()
                    .filter(r -> ns.name().equals(r.namespace()) && r.path().contains("/previewdeployments"))
                    .toList();
            assertThat(mine)
                    .filteredOn(r -> "PATCH".equals(r.method()) && r.path().endsWith("/status"))
                    .as("status writes")
                    .isNotEmpty();
            assertThat(mine)
                    .filteredOn(r -> r.code() == 409)
                    .as("conflicts answered to the operator")
                    .isEmpty();
            assertThat(mine)
                    .filteredOn(r -> r.isWrite() && !r.path().endsWith("/status"))
                    .as("operator writes to the preview itself")
                    .isEmpty();
            assertThat(env.failedReconciles(ns.name())).as("failed reconciles").isEmpty();

            // the next sync of the same manifest finds nothing to change: no diff, no new resourceVersion
            String before = ns.get("argo-app").getMetadata().getResourceVersion();
            PreviewDeployment resynced = env.admin()
                    .resource(manifest(ns, version))
                    .fieldManager(ARGO)
                    .serverSideApply();
            assertThat(resynced.getMetadata().getResourceVersion())
                    .as("resourceVersion after an identical sync")
                    .isEqualTo(before);
        }
    }

    private static String statusOf(PreviewDeployment p) {
        return p == null || p.getStatus() == null
                ? null
                : p.getStatus().getObservedGeneration() + " " + p.getStatus().getPhase() + " "
                        + p.getStatus().getConditions();
    }

    private static List<String> env(Deployment d) {
        List<String> out = new ArrayList<>();
        if (d == null) return out;
        List<EnvVar> env =
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        if (env != null) env.forEach(e -> out.add(e.getName() + "=" + e.getValue()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> topLevelFields(ManagedFieldsEntry m) {
        Object fields = m.getFieldsV1() == null ? null : m.getFieldsV1().getAdditionalProperties();
        return fields instanceof Map<?, ?> map ? new ArrayList<>((Collection<String>) map.keySet()) : List.of();
    }

    /** The manifest in git at sync number {@code version}: only APP_VERSION changes between syncs. */
    static PreviewDeployment manifest(TestNamespace ns, int version) {
        PreviewDeployment p = Previews.withSeed(Previews.preview(ns.name(), "argo-app", "feature/argo"));
        p.setMetadata(new ObjectMetaBuilder()
                .withName("argo-app")
                .withNamespace(ns.name())
                .withLabels(Map.of("app.kubernetes.io/part-of", "shop"))
                .withAnnotations(Map.of(
                        "argocd.argoproj.io/tracking-id",
                        "shop:previews.dev/PreviewDeployment:" + ns.name() + "/argo-app"))
                .build());
        p.getSpec().getBackend().setEnv(List.of(new EnvVar("APP_VERSION", String.valueOf(version), null)));
        return p;
    }
}
