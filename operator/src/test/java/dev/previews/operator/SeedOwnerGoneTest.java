package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.OperatorConfig;
import dev.previews.testing.PreviewCluster;
import dev.previews.testing.WriteBetween;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Found by the fault tier (OperatorKillFault): a preview deleted while its seed ran, the garbage
 * collector removing the seed Job, and the operator, whose cache still held the preview, creating the
 * same seed Job again for a preview that no longer existed. A seed runs once, ever: the operator asks
 * the API server (not its cache) whether the preview is still there before it creates a seed Job.
 */
class SeedOwnerGoneTest {
    static final String NS = "seed-gone";
    static final String PREVIEW = "/apis/previews.dev/v1alpha1/namespaces/seed-gone/previewdeployments/db";

    static final WriteBetween between = new WriteBetween();

    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster(OperatorConfig.defaults(), between);

    @Test
    void aSeedJobRemovedWithItsDeletedPreview_isNotCreatedAgainFromAStaleCache() {
        cluster.create(withSeed(preview(NS, "db", "feature/db")));
        cluster.makeAvailable(NS, "db");
        Job first = cluster.awaitSeedJob(NS, "db");
        cluster.awaitPreview(NS, "db", condition("Seeded", "False", "Seeding"));

        // the preview is deleted after the operator read it from its cache and before it writes: as when the
        // deletion's watch event has not reached it yet and the garbage collector removed the Job already
        between.beforeNext(
                "GET",
                PREVIEW,
                () -> cluster.client()
                        .resources(PreviewDeployment.class)
                        .inNamespace(NS)
                        .withName("db")
                        .delete());
        cluster.client().resource(first).delete();

        // the operator either asks the API server and learns the preview is gone, or creates the Job again
        await().atMost(PreviewCluster.WAIT)
                .until(() -> between.answered().contains(404)
                        || !cluster.seedJobs(NS, "db").isEmpty());
        assertThat(cluster.seedJobs(NS, "db"))
                .as("no second seed Job for the deleted preview")
                .isEmpty();
    }
}
