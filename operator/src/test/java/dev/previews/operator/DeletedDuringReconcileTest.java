package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.OperatorConfig;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A preview deleted while a reconcile writes its status (someone deletes it, or its namespace goes,
 * between the reconcile's read and its status write): the API server answers 404, and the preview is
 * simply gone: no failed reconcile, no retry, no warning. Seen on the real API server when a test
 * deleted its namespace while the preview's Deployment was still rolling out.
 */
class DeletedDuringReconcileTest {
    static final WriteBetween between = new WriteBetween();

    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults(), between);

    final Logger logger = (Logger) LoggerFactory.getLogger(PreviewReconciler.class);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    @Test
    void aPreviewDeletedJustBeforeItsStatusWriteIsNoFailure() {
        String ns = "deleted-meanwhile";
        cluster.create(preview(ns, "login", "feature/login"));
        cluster.makeAvailable(ns, "login");
        cluster.awaitPreview(ns, "login", condition("Ready", "True", null));

        String status = "/apis/previews.dev/v1alpha1/namespaces/" + ns + "/previewdeployments/login/status";
        between.beforeNext(
                "PATCH",
                status,
                () -> cluster.client()
                        .resources(PreviewDeployment.class)
                        .inNamespace(ns)
                        .withName("login")
                        .delete());
        int before = cluster.reconcileCount(ns, "login");
        // a longer lifetime: the next reconcile writes a new expiresAt
        cluster.edit(ns, "login", p -> {
            p.getSpec().setTtl("4d");
            return p;
        });

        // A reconcile that went through counts; one that failed does not, and the deletion's reconcile
        // runs after it (one at a time per preview): either way, once the count moves, the failure (if
        // any) has been handled and logged.
        await().atMost(PreviewCluster.WAIT)
                .until(() -> between.answered().contains(404) && cluster.reconcileCount(ns, "login") > before);
        assertThat(cluster.failedReconciles(ns)).isEmpty();
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains(ns + "/login"));
    }
}
