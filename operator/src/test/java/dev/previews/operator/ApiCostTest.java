package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.testing.PreviewCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one preview costs the API from creation to Ready (docs/BENCHMARKS.md measures it at scale):
 * the three children, one status write per phase (Provisioning, Seeding, Ready) and one Event per
 * transition, nothing twice; and one reconcile per thing that happened (the creation, the backend
 * available, the seed finished): the watch events of the operator's own writes trigger none.
 */
class ApiCostTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "api-cost";

    @Test
    void aSeededPreviewReachesReadyWithOneWritePerPhase() {
        cluster.clearRequests();
        cluster.create(withSeed(preview(NS, "cost", "feature/cost")));
        cluster.awaitPreview(NS, "cost", condition("Provisioned", "False", "Provisioning"));
        cluster.makeAvailable(NS, "cost");
        var job = cluster.awaitSeedJob(NS, "cost");
        cluster.awaitPreview(NS, "cost", condition("Seeded", "False", "Seeding"));
        cluster.simulator().succeedSeed(NS, job.getMetadata().getName());
        cluster.awaitPreview(NS, "cost", condition("Ready", "True", "Ready"));
        // Events are written off the reconcile, shortly after their transition
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons(NS, "cost").size() == 3);

        List<String> requests = cluster.drainRequests();
        String base = "/namespaces/" + NS + "/";
        assertThat(count(requests, "PATCH ", base + "previewdeployments/cost/status"))
                .isEqualTo(3);
        assertThat(count(requests, "POST ", base + "deployments")).isEqualTo(1);
        assertThat(count(requests, "POST ", base + "services")).isEqualTo(1);
        assertThat(count(requests, "POST ", base + "jobs")).isEqualTo(1);
        assertThat(count(requests, "POST ", base + "events")).isEqualTo(3);
        assertThat(cluster.eventReasons(NS, "cost")).containsExactlyInAnyOrder("Provisioned", "SeedStarted", "Seeded");
        assertThat(cluster.reconcileCount(NS, "cost")).isEqualTo(3);
    }

    private static long count(List<String> requests, String method, String pathPart) {
        return requests.stream()
                .filter(r -> r.startsWith(method) && r.contains(pathPart))
                .count();
    }
}
