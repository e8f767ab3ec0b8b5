package dev.previews.ops;

import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.simulator.ManualClock;
import dev.previews.simulator.MockApi;
import dev.previews.simulator.WorkloadSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real operator process (as `run` starts it) against the mock API: the three endpoints of the
 * management port over HTTP, and the project's metrics moving as previews go through their lifecycle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementEndpointsTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static KubernetesMockServer server;
    static KubernetesClient client;
    static ManualClock clock;
    static WorkloadSimulator simulator;
    static OperatorProcess process;

    @BeforeAll
    static void start() {
        server = MockApi.start(0);
        client = server.createClient();
        MockApi.installCrd(server, client);
        clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        simulator = new WorkloadSimulator(client, Duration.ZERO);
        OperatorConfig config =
                OperatorConfig.defaults().withPlan(new Plan("tiny", Duration.ofHours(1), 1, ExpiryPolicy.Deprovision));
        process = OperatorProcess.start(
                client, config, clock, ProcessOptions.defaults().withManagementPort(0));
    }

    @AfterAll
    static void stop() {
        if (process != null) process.close();
        simulator.close();
        client.close();
        server.destroy();
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.managementPort() + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static PrometheusText metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    static double metric(String name, String... labels) {
        try {
            OptionalDouble v = metrics().value(name, labels);
            return v.isPresent() ? v.getAsDouble() : Double.NaN;
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    @Test
    @Order(1)
    void healthzAnswersWhileTheProcessRuns() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.managementPort() + "/healthz"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    @Order(2)
    void readyzIsReadyOnceTheInformersAreSynced() throws Exception {
        HttpResponse<String> r = get("/readyz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ready\n");
    }

    @Test
    @Order(3)
    void metricsServeJavaOperatorSdkJvmAndProjectMetricsInPrometheusFormat() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
        PrometheusText m = PrometheusText.parse(r.body());
        // java-operator-sdk's Micrometer metrics (the controller registered, its queue gauges)
        assertThat(m.has("operator_sdk_reconciliations_queue_size_previews"))
                .as(r.body())
                .isTrue();
        assertThat(m.has("jvm_memory_used_bytes")).isTrue();
        // the project's: zero rows for every phase of every configured plan, counters at zero
        assertThat(m.value("preview_operator_previews", "phase", "Ready", "plan", "starter"))
                .hasValue(0);
        assertThat(m.value("preview_operator_previews", "phase", "Expired", "plan", "tiny"))
                .hasValue(0);
        assertThat(m.value("preview_operator_seeds_total", "result", "succeeded"))
                .hasValue(0);
        assertThat(m.value("preview_operator_seeds_total", "result", "failed")).hasValue(0);
        assertThat(m.value("preview_operator_expiries_total", "policy", "Delete"))
                .hasValue(0);
        assertThat(m.value("preview_operator_limit_refusals_total", "plan", "starter"))
                .hasValue(0);
        assertThat(m.value("preview_operator_time_to_ready_seconds_count")).hasValue(0);
        assertThat(m.value("preview_operator_leader")).hasValue(1);
        assertThat(m.types())
                .contains(
                        "preview_operator_time_to_ready_seconds histogram",
                        "preview_operator_previews gauge",
                        "preview_operator_seeds_total counter");

        HttpResponse<String> om = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.managementPort() + "/metrics"))
                        .header("Accept", "application/openmetrics-text; version=1.0.0")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(om.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/openmetrics-text"));
        assertThat(om.body()).contains("preview_operator_previews").endsWith("# EOF\n");
    }

    @Test
    @Order(4)
    void previewsByPhaseAndTimeToReadyFollowAPreviewBecomingReady() {
        String ns = "metrics-ready";
        client.resource(preview(ns, "login", "feature/login")).create();
        await().atMost(WAIT)
                .until(() -> metric("preview_operator_previews", "phase", "Provisioning", "plan", "starter") == 1);
        double readyBefore = metric("preview_operator_time_to_ready_seconds_count");

        await().atMost(WAIT)
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("login")
                                .get()
                        != null);
        simulator.markAvailable(ns, "login");

        await().atMost(WAIT).until(() -> metric("preview_operator_previews", "phase", "Ready", "plan", "starter") == 1);
        assertThat(metric("preview_operator_previews", "phase", "Provisioning", "plan", "starter"))
                .isZero();
        assertThat(metric("preview_operator_time_to_ready_seconds_count")).isEqualTo(readyBefore + 1);
        assertThat(metric("preview_operator_time_to_ready_seconds_bucket", "le", "+Inf"))
                .isEqualTo(readyBefore + 1);
        // java-operator-sdk counted the reconciles that got it there
        assertThat(metric("operator_sdk_reconciliations_success_total", "kind", "PreviewDeployment"))
                .isPositive();

        client.resource(preview(ns, "login", "feature/login")).delete();
        await().atMost(WAIT).until(() -> metric("preview_operator_previews", "phase", "Ready", "plan", "starter") == 0);
    }

    @Test
    @Order(5)
    void seedsAreCountedByResult() {
        String ns = "metrics-seeds";
        double succeeded = metric("preview_operator_seeds_total", "result", "succeeded");
        double failed = metric("preview_operator_seeds_total", "result", "failed");
        client.resource(withSeed(preview(ns, "good", "feature/good"))).create();
        client.resource(withSeed(preview(ns, "bad", "feature/bad"))).create();
        for (String name : new String[] {"good", "bad"}) {
            await().atMost(WAIT)
                    .until(() -> client.apps()
                                    .deployments()
                                    .inNamespace(ns)
                                    .withName(name)
                                    .get()
                            != null);
            simulator.markAvailable(ns, name);
        }
        String goodJob = awaitSeedJob(ns, "good");
        String badJob = awaitSeedJob(ns, "bad");
        simulator.succeedSeed(ns, goodJob);
        simulator.failSeed(ns, badJob, "relation \"users\" does not exist");

        await().atMost(WAIT)
                .until(() -> metric("preview_operator_seeds_total", "result", "succeeded") == succeeded + 1
                        && metric("preview_operator_seeds_total", "result", "failed") == failed + 1);
        await().atMost(WAIT)
                .until(() -> metric("preview_operator_previews", "phase", "SeedFailed", "plan", "starter") == 1);
    }

    @Test
    @Order(6)
    void limitRefusalsAndExpiriesAreCounted() {
        String ns = "metrics-tiny";
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .withLabels(Map.of(OperatorConfig.PLAN_LABEL, "tiny"))
                        .endMetadata()
                        .build())
                .create();
        client.resource(preview(ns, "first", "feature/first")).create();
        await().atMost(WAIT)
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("first")
                                .get()
                        != null);
        client.resource(preview(ns, "second", "feature/second")).create();

        await().atMost(WAIT).until(() -> metric("preview_operator_limit_refusals_total", "plan", "tiny") == 1);
        assertThat(metric("preview_operator_previews", "phase", "LimitExceeded", "plan", "tiny"))
                .isEqualTo(1);

        simulator.markAvailable(ns, "first");
        await().atMost(WAIT).until(() -> metric("preview_operator_previews", "phase", "Ready", "plan", "tiny") == 1);
        double expiredBefore = metric("preview_operator_expiries_total", "policy", "Deprovision");
        clock.advance(Duration.ofHours(2));
        process.operator().wakeUps().fireDue();
        await().atMost(WAIT)
                .until(() -> metric("preview_operator_expiries_total", "policy", "Deprovision") == expiredBefore + 1);
        await().atMost(WAIT).until(() -> metric("preview_operator_previews", "phase", "Expired", "plan", "tiny") == 1);
    }

    @Test
    @Order(100)
    void readyzTurnsUnreadyWhenTheApiServerGoesAway() throws Exception {
        server.destroy();
        await().atMost(WAIT).until(() -> get("/readyz").statusCode() == 503);
        assertThat(get("/readyz").body()).contains("not watching");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    static String awaitSeedJob(String ns, String preview) {
        await().atMost(WAIT)
                .until(() -> !client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(ns)
                        .withLabel("app.kubernetes.io/instance", preview)
                        .list()
                        .getItems()
                        .isEmpty());
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withLabel("app.kubernetes.io/instance", preview)
                .list()
                .getItems()
                .get(0)
                .getMetadata()
                .getName();
    }
}
