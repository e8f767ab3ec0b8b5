package dev.previews.ops;

import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.packaging.RbacMockApi;
import dev.previews.policy.OperatorConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the operator process against one API (with deploy/'s RBAC enforced): one leads
 * and reconciles, the other stands by and is ready too; the standby takes over when the leader
 * stops; a replica that loses its Lease gives up (the process would exit).
 */
class LeaderElectionTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String NS = "preview-operator";
    static final HttpClient http = HttpClient.newHttpClient();

    RbacMockApi api;
    KubernetesClient clientA;
    KubernetesClient clientB;
    OperatorProcess a;
    OperatorProcess b;
    final AtomicInteger aLost = new AtomicInteger();
    final AtomicInteger bLost = new AtomicInteger();

    @BeforeEach
    void start() {
        api = RbacMockApi.withDeployRbac();
        api.admin()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
        clientA = api.operatorClient(NS);
        clientB = api.operatorClient(NS);
    }

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        clientA.close();
        clientB.close();
        api.close();
    }

    OperatorProcess replica(KubernetesClient client, String identity, AtomicInteger lost) {
        return OperatorProcess.start(
                client,
                OperatorConfig.defaults(),
                Clock.systemUTC(),
                ProcessOptions.defaults()
                        .withManagementPort(0)
                        .withLeaderElection("preview-operator", null, identity)
                        .withLeaseTimings(new LeaseTimings(
                                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250)))
                        .withOnLostLeadership(lost::incrementAndGet));
    }

    static HttpResponse<String> get(OperatorProcess p, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.managementPort() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double metric(OperatorProcess p, String name, String... labels) throws Exception {
        return PrometheusText.parse(get(p, "/metrics").body())
                .value(name, labels)
                .orElse(0);
    }

    boolean deploymentExists(String ns, String name) {
        return api.admin().apps().deployments().inNamespace(ns).withName(name).get() != null;
    }

    @Test
    void oneReplicaLeadsTheOtherStandsByAndTakesOverWhenTheLeaderStops() throws Exception {
        a = replica(clientA, "replica-a", aLost);
        await().atMost(WAIT).until(() -> a.role() == OperatorProcess.Role.LEADER);
        b = replica(clientB, "replica-b", bLost);
        await().atMost(WAIT).until(() -> get(b, "/readyz").body().contains("leader: replica-a"));

        assertThat(b.role()).isEqualTo(OperatorProcess.Role.STANDBY);
        assertThat(get(a, "/readyz").statusCode()).isEqualTo(200);
        assertThat(get(a, "/readyz").body()).isEqualTo("ready: leader (replica-a)\n");
        assertThat(get(b, "/readyz").statusCode()).isEqualTo(200);
        assertThat(get(b, "/readyz").body()).isEqualTo("ready: standby (replica-b), leader: replica-a\n");
        assertThat(metric(a, "preview_operator_leader")).isEqualTo(1);
        assertThat(metric(b, "preview_operator_leader")).isZero();
        Lease lease = api.admin()
                .leases()
                .inNamespace(NS)
                .withName("preview-operator")
                .get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");

        api.admin().resource(preview("team-a", "first", "feature/first")).create();
        await().atMost(WAIT).until(() -> deploymentExists("team-a", "first"));
        assertThat(metric(a, "operator_sdk_reconciliations_started_total")).isPositive();
        assertThat(metric(b, "operator_sdk_reconciliations_started_total")).isZero();

        a.close();
        assertThat(aLost)
                .as("a replica that stops on purpose does not report a lost lease")
                .hasValue(0);
        await().atMost(WAIT).until(() -> b.role() == OperatorProcess.Role.LEADER);
        assertThat(get(b, "/readyz").body()).isEqualTo("ready: leader (replica-b)\n");
        api.admin().resource(preview("team-a", "second", "feature/second")).create();
        await().atMost(WAIT).until(() -> deploymentExists("team-a", "second"));
        assertThat(metric(b, "operator_sdk_reconciliations_started_total")).isPositive();
        assertThat(bLost).hasValue(0);
    }

    @Test
    void aLeaderThatLosesItsLeaseGivesUp() {
        a = replica(clientA, "replica-a", aLost);
        await().atMost(WAIT).until(() -> a.role() == OperatorProcess.Role.LEADER);

        // another holder takes the Lease over (as after a network partition)
        // (the leader renews concurrently: a stale write answers 409, so read again and retry)
        await().atMost(WAIT)
                .ignoreExceptionsInstanceOf(KubernetesClientException.class)
                .until(() -> {
                    api.admin()
                            .leases()
                            .inNamespace(NS)
                            .withName("preview-operator")
                            .edit(l -> {
                                l.getSpec().setHolderIdentity("someone-else");
                                l.getSpec().setLeaseDurationSeconds(3600);
                                l.getSpec().setRenewTime(ZonedDateTime.now());
                                return l;
                            });
                    return true;
                });

        await().atMost(WAIT).until(() -> aLost.get() == 1);
        assertThat(a.role()).isEqualTo(OperatorProcess.Role.STANDBY);
    }
}
