package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failures a person must be able to act on, each one message and exit code 1, never a stack trace. */
class ClusterErrorsTest {
    static final String[] DEPLOY = {
        "deploy", "--branch", "main", "--commit", "a1b2c3d", "--image", "api:latest", "-n", "ci"
    };

    @TempDir
    Path tmp;

    static void assertActionable(CliRunner.Result r) {
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("preview: error: ").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void noKubeconfigSaysWhereItLooked() {
        CliRunner.Result r = CliRunner.run(Map.of(), tmp, DEPLOY);
        assertActionable(r);
        assertThat(r.err())
                .contains("no kubeconfig: KUBECONFIG is not set, " + tmp.resolve(".kube/config") + " does not exist")
                .contains("docs/CI.md");

        CliRunner.Result missingFile =
                CliRunner.run(Map.of("KUBECONFIG", tmp.resolve("gone.yaml").toString()), tmp, "list");
        assertActionable(missingFile);
        assertThat(missingFile.err())
                .contains("KUBECONFIG names " + tmp.resolve("gone.yaml") + ", which does not exist");
    }

    @Test
    void anUnreachableApiServerIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path kubeconfig = CliRunner.kubeconfig(tmp.resolve("kubeconfig"), "http://127.0.0.1:" + port);
        CliRunner.Result r = CliRunner.run(Map.of("KUBECONFIG", kubeconfig.toString()), tmp, "list");
        assertActionable(r);
        assertThat(r.err())
                .contains("cannot reach the Kubernetes API server at http://127.0.0.1:" + port + ": connection refused")
                .contains("Check the kubeconfig ($KUBECONFIG (" + kubeconfig + "))");
    }

    @Test
    void noPermissionNamesTheVerbAndTheResource() throws Exception {
        withApi(
                request -> request.getMethod().equals("GET")
                                && request.getPath().contains("/previewdeployments/")
                        ? json(404, status(404, "NotFound", "previewdeployments.previews.dev \"main\" not found"))
                        : json(
                                403,
                                status(
                                        403,
                                        "Forbidden",
                                        "previewdeployments.previews.dev is forbidden: User \"system:serviceaccount:ci:deployer\" "
                                                + "cannot list resource \"previewdeployments\" in API group \"previews.dev\" in the namespace \"ci\"")),
                kubeconfig -> {
                    CliRunner.Result r = CliRunner.run(Map.of(), tmp, with(kubeconfig, DEPLOY));
                    assertActionable(r);
                    assertThat(r.err())
                            .contains("permission denied: cannot list previewdeployments.previews.dev in namespace ci")
                            .contains("verbs get, list, create, update and delete")
                            .contains("system:serviceaccount:ci:deployer");
                });
        withApi(request -> json(403, status(403, "Forbidden", "forbidden")), kubeconfig -> {
            CliRunner.Result r = CliRunner.run(Map.of(), tmp, with(kubeconfig, "status", "main", "-n", "ci"));
            assertActionable(r);
            assertThat(r.err())
                    .contains("permission denied: cannot get previewdeployments.previews.dev in namespace ci");
        });
    }

    @Test
    void aMissingCrdSaysToInstallTheOperator() throws Exception {
        withApi(
                request -> json(404, status(404, "NotFound", "the server could not find the requested resource")),
                kubeconfig -> {
                    for (String[] args :
                            List.of(DEPLOY, new String[] {"status", "main"}, new String[] {"list"}, new String[] {
                                "delete", "main"
                            })) {
                        CliRunner.Result r = CliRunner.run(Map.of(), tmp, with(kubeconfig, args));
                        assertActionable(r);
                        assertThat(r.err())
                                .as(String.join(" ", args))
                                .contains(
                                        "the PreviewDeployment API (previewdeployments.previews.dev/v1alpha1) is not installed")
                                .contains("kubectl apply -f crds/ -f deploy/");
                    }
                });
    }

    interface KubeconfigTest {
        void run(Path kubeconfig) throws Exception;
    }

    /** An API server that answers every request with the function's response. */
    private void withApi(Function<RecordedRequest, MockResponse> answer, KubeconfigTest test) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                new HashMap<>(),
                new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        return answer.apply(request);
                    }
                },
                false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try {
            test.run(CliRunner.kubeconfig(
                    Files.createTempFile(tmp, "kubeconfig", ""), "http://127.0.0.1:" + server.getPort()));
        } finally {
            server.destroy();
        }
    }

    private static String[] with(Path kubeconfig, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--kubeconfig";
        all[2] = kubeconfig.toString();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return all;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    private static String status(int code, String reason, String message) {
        return """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%s,"reason":"%s","code":%d}
        """.formatted(new TextNode(message).toString(), reason, code);
    }
}
