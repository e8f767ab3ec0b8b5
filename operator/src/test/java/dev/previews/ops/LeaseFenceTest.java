package dev.previews.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.simulator.MockApi;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fence on the operator's client: writes pass only while an accepted write of the Lease is less
 * than the lease duration (less the margin, counted from the read before it) old on the monotonic
 * clock; a replica paused past its lease sends none of the writes its reconciles had under way.
 */
class LeaseFenceTest {
    static final Duration LEASE = Duration.ofSeconds(15);
    static final String NS = "preview-operator";

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final LeaseFence fence = new LeaseFence(LEASE, nanos::get);
    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void start() {
        server = MockApi.start(0);
        client = new KubernetesClientBuilder()
                .withConfig(server.createClient().getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("lease-fence", fence))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    void write(String name) {
        client.configMaps()
                .inNamespace(NS)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    void acquireOrRenew() {
        var lease = client.leases().inNamespace(NS).withName("preview-operator").get(); // the elector reads first
        var wanted = new LeaseBuilder()
                .withNewMetadata()
                .withName("preview-operator")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("a")
                .endSpec()
                .build();
        if (lease == null) {
            client.resource(wanted).create();
        } else {
            client.resource(wanted).update();
        }
    }

    @Test
    void noWriteBeforeTheLeaseIsHeldNorOnceItMayHaveRunOut() {
        assertThatThrownBy(() -> write("before")).isInstanceOf(LeaseFence.Fenced.class);
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty(); // reads pass

        acquireOrRenew();
        write("leading");

        nanos.addAndGet(LEASE.minus(LeaseFence.MARGIN).minusMillis(1).toNanos());
        write("just-in-time");
        nanos.addAndGet(Duration.ofMillis(2).toNanos()); // a pause past the lease, less the margin
        assertThatThrownBy(() -> write("paused"))
                .isInstanceOf(LeaseFence.Fenced.class)
                .hasMessageContaining("POST /api/v1/namespaces/preview-operator/configmaps")
                .hasMessageContaining("may no longer hold the leader-election Lease");
        assertThat(client.configMaps().inNamespace(NS).withName("paused").get()).isNull();

        acquireOrRenew(); // the Lease's own requests always pass
        write("renewed");
        assertThat(fence.holds()).isTrue();
    }

    @Test
    void validityCountsFromTheReadThatBeganTheRenewal() {
        client.leases().inNamespace(NS).withName("preview-operator").get();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos()); // a slow write of the Lease
        acquireOrRenew();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        // the renewal began with acquireOrRenew's read, 1 s ago, not with the earlier one
        assertThat(fence.holds()).isTrue();
        nanos.addAndGet(LEASE.minus(LeaseFence.MARGIN).minusSeconds(1).toNanos());
        assertThat(fence.holds()).isFalse();
    }
}
