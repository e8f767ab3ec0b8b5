package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.testing.PreviewCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator stopped in the middle of a burst (a rolling update, a lost node): the reconciles under
 * way finish, no new one starts, and the next operator takes every preview where it was left.
 */
class OperatorStopTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "stopping";
    static final int PREVIEWS = 30;

    @Test
    void aStopInTheMiddleOfABurstLeavesTheNextStartOneOfEachChildAndOneSeedPerPreview() {
        cluster.simulator().start();
        for (int i = 0; i < PREVIEWS; i++) {
            cluster.create(withSeed(preview(NS, "p-" + i, "feature/p-" + i)));
        }
        await().atMost(PreviewCluster.WAIT)
                .until(() -> !cluster.client()
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .list()
                        .getItems()
                        .isEmpty());

        cluster.stopOperator();
        cluster.startOperator();

        for (int i = 0; i < PREVIEWS; i++) {
            cluster.awaitPreview(NS, "p-" + i, condition("Ready", "True", null));
        }
        assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                .hasSize(PREVIEWS);
        assertThat(cluster.client().services().inNamespace(NS).list().getItems())
                .hasSize(PREVIEWS);
        for (int i = 0; i < PREVIEWS; i++) {
            assertThat(cluster.seedJobs(NS, "p-" + i)).as("seed Jobs of p-" + i).hasSize(1);
        }
    }
}
