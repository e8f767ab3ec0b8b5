package dev.previews.operator;

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
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A reconcile that fails is logged and retried; what a platform engineer reads depends on why. A
 * 409 Conflict that outlasted the operator's own attempts (a controller kept writing the child, see
 * {@link ChildConflictTest}) is routine: one INFO line, no Warning, no Event. Anything else, or a
 * conflict on the last attempt, is a WARN, and the last attempt also reports the failure in the
 * preview's status (Ready=False ReconcileError), with a Warning Event, and tries again later.
 */
class ReconcileErrorsTest {
    final PreviewCluster cluster = new PreviewCluster();
    final PreviewReconciler reconciler =
            new PreviewReconciler(cluster.client(), OperatorConfig.defaults(), Clock.systemUTC(), PreviewObserver.NONE);
    final Logger logger = (Logger) LoggerFactory.getLogger(PreviewReconciler.class);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final PreviewDeployment login = cluster.create(preview("team-a", "login", "feature/login"));

    final Level level = logger.getLevel();

    ReconcileErrorsTest() {
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void close() {
        logger.detachAppender(logged);
        logger.setLevel(level);
        cluster.close();
    }

    static final KubernetesClientException CONFLICT = new KubernetesClientException(
            "Operation: [update] for kind: [Deployment] with name: [login] in namespace: [team-a] failed.", 409, null);

    @Test
    void aConflictBeforeTheLastAttemptIsOneInfoLineAndNoEvent() {
        reconciler.updateErrorStatus(login, retrying(false), CONFLICT);

        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage())
                    .isEqualTo(
                            "team-a/login: a child kept changing while it was being updated (409 Conflict, 3 attempts), will retry");
        });
        assertThat(cluster.eventReasons("team-a", "login")).isEmpty();
    }

    @Test
    void anyOtherFailureIsAWarning_andOnTheLastAttemptAWarningEvent() {
        reconciler.updateErrorStatus(login, retrying(false), new KubernetesClientException("connection refused"));
        reconciler.updateErrorStatus(login, retrying(true), CONFLICT);

        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
        assertThat(logged.list.get(0).getFormattedMessage())
                .contains("reconcile failed, will retry", "connection refused");
        assertThat(logged.list.get(1).getFormattedMessage())
                .contains("reconcile failed (reported in the status, trying again later)");
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() ->
                        assertThat(cluster.eventReasons("team-a", "login")).isEqualTo(List.of("ReconcileError")));
    }

    /** A reconcile's context that knows only whether this is the last attempt (all the error path reads). */
    @SuppressWarnings("unchecked")
    static Context<PreviewDeployment> retrying(boolean lastAttempt) {
        RetryInfo retry = new RetryInfo() {
            @Override
            public int getAttemptCount() {
                return 1;
            }

            @Override
            public boolean isLastAttempt() {
                return lastAttempt;
            }
        };
        return (Context<PreviewDeployment>) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getRetryInfo")) return Optional.of(retry);
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
