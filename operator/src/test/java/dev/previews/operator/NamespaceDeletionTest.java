package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.OperatorConfig;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a namespace deletes its previews and everything they own, in the order the namespace
 * controller picks: often a preview's Deployment and Service before the preview. The operator does
 * not create them again (the API server would refuse it: 403, NamespaceTerminating), and a deletion
 * is no failure: no failed reconcile, no retry, no Event.
 */
class NamespaceDeletionTest {
    static final WriteBetween between = new WriteBetween();

    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults(), between);

    @Test
    void childrenDeletedWithTheirNamespace_areNotCreatedAgain_andNothingFails() {
        String ns = readyPreviewIn("team-gone");
        int events = cluster.eventReasons(ns, "login").size();

        cluster.client().namespaces().withName(ns).delete();
        int reconciles = cluster.reconcileCount(ns, "login");
        cluster.client().apps().deployments().inNamespace(ns).withName("login").delete();
        await("a reconcile of the Deployment's deletion that does not fail")
                .atMost(PreviewCluster.WAIT)
                .until(() -> cluster.reconcileCount(ns, "login") > reconciles);
        assertThat(cluster.deployment(ns, "login")).isNull();

        int afterDeployment = cluster.reconcileCount(ns, "login");
        cluster.client().services().inNamespace(ns).withName("login").delete();
        await("a reconcile of the Service's deletion that does not fail")
                .atMost(PreviewCluster.WAIT)
                .until(() -> cluster.reconcileCount(ns, "login") > afterDeployment);
        assertThat(cluster.service(ns, "login")).isNull();

        assertThat(cluster.failedReconciles(ns)).isEmpty();
        assertThat(cluster.eventReasons(ns, "login")).hasSize(events);
    }

    @Test
    void aNamespaceWhoseDeletionBeginsWhileTheOperatorRecreatesAChild_isNoFailureEither() {
        String ns = readyPreviewIn("team-late");
        int events = cluster.eventReasons(ns, "login").size();

        // the operator reads its caches (the namespace is not being deleted), then the deletion begins
        // before its create of the missing Deployment arrives
        String deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        between.beforeNext(
                "POST",
                deployments,
                () -> cluster.client().namespaces().withName(ns).delete());
        int reconciles = cluster.reconcileCount(ns, "login");
        cluster.client().apps().deployments().inNamespace(ns).withName("login").delete();

        await("a reconcile of the Deployment's deletion that does not fail")
                .atMost(PreviewCluster.WAIT)
                .until(() -> cluster.reconcileCount(ns, "login") > reconciles);
        assertThat(between.sent()).containsExactly("POST " + deployments);
        assertThat(between.answered()).as("the API server's answer").containsExactly(403);
        assertThat(cluster.deployment(ns, "login")).isNull();
        assertThat(cluster.failedReconciles(ns)).isEmpty();
        assertThat(cluster.eventReasons(ns, "login")).hasSize(events);
    }

    /**
     * A namespace with a Ready preview, and a finalizer that keeps the namespace in its deletion, as
     * the namespace controller's own does while it empties the namespace.
     */
    private static String readyPreviewIn(String ns) {
        cluster.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .withFinalizers("previews.dev/test-hold")
                        .endMetadata()
                        .build())
                .create();
        cluster.create(preview(ns, "login", "feature/login"));
        cluster.makeAvailable(ns, "login");
        cluster.awaitPreview(ns, "login", condition("Ready", "True", null));
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons(ns, "login").contains("Provisioned"));
        return ns;
    }
}
