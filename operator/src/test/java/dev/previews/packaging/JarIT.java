package dev.previews.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as the image runs it: the Dockerfile's entry point (its JVM flags, with the
 * jar's local path), the arguments of deploy/'s Deployment, the ConfigMap's configuration file, a
 * kubeconfig for the operator's ServiceAccount against a mock API enforcing deploy/'s RBAC. It must
 * become ready, serve metrics, and stop cleanly on SIGTERM (leader election on).
 */
class JarIT {
    static final Path JAR = Path.of("target/preview-operator.jar").toAbsolutePath();
    static final HttpClient http = HttpClient.newHttpClient();

    RbacMockApi api;
    Process process;
    Path work;

    @BeforeEach
    void start() throws IOException {
        api = RbacMockApi.withDeployRbac();
        api.admin()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("preview-operator")
                        .endMetadata()
                        .build())
                .create();
        work = Path.of("target/jar-it").toAbsolutePath(); // the process's output stays there for a look after a failure
        Files.createDirectories(work);
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        api.close();
    }

    /** The Dockerfile's ENTRYPOINT, with this JVM's java and the locally built jar. */
    static List<String> entrypoint() throws IOException {
        String line = Files.readAllLines(Manifests.ROOT.resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("ENTRYPOINT "))
                .findFirst()
                .orElseThrow();
        JsonNode array = Manifests.YAML.readTree(line.substring("ENTRYPOINT ".length()));
        List<String> command = new ArrayList<>();
        array.forEach(n -> command.add(n.asText()));
        assertThat(command.get(0)).isEqualTo("/usr/bin/java");
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int jar = command.indexOf("/app/preview-operator.jar");
        assertThat(jar).isPositive();
        command.set(jar, JAR.toString());
        return command;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theJarRunsWithTheImagesEntrypointAndTheDeploymentsArguments() throws Exception {
        assertThat(JAR).exists();
        List<GenericKubernetesResource> deploy = Manifests.objects(Manifests.DEPLOY);
        Deployment deployment = Manifests.one(deploy, Deployment.class);
        List<String> args = new ArrayList<>(deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs());
        int port = freePort();
        Path config = work.resolve("config.yaml");
        Files.writeString(
                config, Manifests.one(deploy, ConfigMap.class).getData().get("config.yaml"));
        args.set(args.indexOf("/etc/preview-operator/config.yaml"), config.toString());
        args.set(args.indexOf("--management-port") + 1, String.valueOf(port));

        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: operator, user: {token: %s}}]
        contexts: [{name: mock, context: {cluster: mock, user: operator, namespace: preview-operator}}]
        current-context: mock
        """.formatted(api.admin().getMasterUrl().toString(), RbacMockApi.OPERATOR_TOKEN));

        List<String> command = entrypoint();
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("out.log").toFile());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("POD_NAMESPACE", "preview-operator");
        pb.environment().put("HOSTNAME", "preview-operator-7d9f-abcde");
        process = pb.start();

        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString())
                        .body()
                        .equals("ready: leader (preview-operator-7d9f-abcde)\n"));
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(PrometheusMetrics.value(metrics, "preview_operator_leader")).isEqualTo(1.0);
        assertThat(api.denied()).isEmpty();

        process.destroy(); // SIGTERM, as the kubelet stops a pod
        assertThat(process.waitFor(20, TimeUnit.SECONDS))
                .as("stops within the grace period; output:\n" + log())
                .isTrue();
        assertThat(process.exitValue()).as(log()).isIn(0, 143);
        assertThat(log()).contains("stopping").doesNotContain("Exception");
    }

    @Test
    void theJarCarriesTheOperatorOnly() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> entries = Collections.list(jar.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
            assertThat(entries)
                    .contains(
                            "dev/previews/ops/Main.class",
                            "dev/previews/operator/PreviewReconciler.class",
                            "dev/previews/api/PreviewDeployment.class");
            assertThat(entries)
                    .noneMatch(e -> e.startsWith("io/fabric8/kubernetes/client/server/mock/")
                            || e.startsWith("io/fabric8/mockwebserver/")
                            || e.startsWith("okhttp3/mockwebserver/")
                            || e.startsWith("org/bouncycastle/")
                            || e.startsWith("dev/previews/bench/")
                            || e.startsWith("dev/previews/sandbox/")
                            || e.startsWith("dev/previews/simulator/")
                            || e.startsWith("dev/previews/ci/"));
        }
    }

    String log() throws IOException {
        return Files.readString(work.resolve("out.log"));
    }

    /** Reads one unlabelled sample of the Prometheus text format. */
    static final class PrometheusMetrics {
        static double value(String text, String name) {
            return text.lines()
                    .filter(l -> l.startsWith(name + " "))
                    .mapToDouble(l ->
                            Double.parseDouble(l.substring(name.length() + 1).trim()))
                    .findFirst()
                    .orElseThrow();
        }
    }
}
