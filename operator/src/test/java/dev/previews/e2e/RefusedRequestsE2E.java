package dev.previews.e2e;

import static dev.previews.e2e.Expect.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On the real API server: a request its RBAC keeps refusing (a platform team took `create` on
 * Deployments from the operator's ClusterRole) reaches the preview's status at once, with the API
 * server's message and one Warning, and clears when the permission is back. The operator from before
 * this test left a new preview without any status for as long as the permission was missing.
 */
@EndToEnd
class RefusedRequestsE2E {
    /** The first attempts after the permission is back come 5, 10, 20 s after the refusals. */
    static final Duration CLEARS_WITHIN = Duration.ofSeconds(60);

    @Test
    void aForbiddenCreateReachesTheStatus_andClearsWhenThePermissionIsBack(E2EEnvironment env) {
        ClusterRole installed = env.rbac().objects().stream()
                .filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast)
                .findFirst()
                .orElseThrow();
        String role = installed.getMetadata().getName();
        try (TestNamespace ns = env.namespace("refused", null)) {
            env.admin().rbac().clusterRoles().withName(role).edit(r -> {
                r.setRules(withoutCreateDeployments(r.getRules()));
                return r;
            });
            try {
                ns.create(Previews.preview(ns.name(), "blocked", "feature/blocked"));
                PreviewDeployment refused = ns.awaitPreview("blocked", p -> {
                    assertThat(p.getStatus()).isNotNull();
                    assertThat(p.getStatus().reason("Ready")).isEqualTo("ReconcileError");
                });
                assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.Failed);
                assertThat(Expect.message(refused, "Ready"))
                        .contains("creating Deployment blocked failed")
                        .contains("forbidden");
                ns.awaitPreview(
                        "blocked",
                        p -> assertThat(ns.eventReasons("blocked")).containsOnlyOnce("Warning ReconcileError"));
            } finally {
                env.admin().rbac().clusterRoles().withName(role).edit(r -> {
                    r.setRules(installed.getRules());
                    return r;
                });
            }
            ns.awaitPreview("blocked", CLEARS_WITHIN, ready());
            assertThat(ns.awaitEvents("blocked", "Warning ReconcileError").stream()
                            .filter(e -> "ReconcileError".equals(e.getReason())))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
        }
    }

    private static List<PolicyRule> withoutCreateDeployments(List<PolicyRule> rules) {
        List<PolicyRule> out = new ArrayList<>();
        for (PolicyRule rule : rules) {
            PolicyRule copy = new PolicyRule(
                    rule.getApiGroups(),
                    rule.getNonResourceURLs(),
                    rule.getResourceNames(),
                    rule.getResources(),
                    new ArrayList<>(rule.getVerbs()));
            if (rule.getResources().contains("deployments")) {
                copy.getVerbs().remove("create");
            }
            out.add(copy);
        }
        return out;
    }
}
