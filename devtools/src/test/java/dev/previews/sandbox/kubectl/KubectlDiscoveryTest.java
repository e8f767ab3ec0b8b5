package dev.previews.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.sandbox.kubectl.Kubectl.Run;
import org.junit.jupiter.api.Test;

/** kubectl finds its way around the sandbox's API: versions, resources and their short names, schemas. */
class KubectlDiscoveryTest extends SandboxForKubectl {
    @Test
    void versionSaysWhichServerItIs() {
        Run run = kubectl.run("version");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Server Version: v1.32.0+sandbox");
    }

    @Test
    void apiResourcesListsPreviewsWithTheirShortNames_andTheKindsTheOperatorCreates() {
        Run run = kubectl.run("api-resources");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .containsPattern("previewdeployments +pd,preview +previews.dev/v1alpha1 +true +PreviewDeployment")
                .containsPattern("deployments +deploy +apps/v1 +true +Deployment")
                .containsPattern("services +svc +v1 +true +Service")
                .containsPattern("ingresses +ing +networking.k8s.io/v1 +true +Ingress")
                .containsPattern("jobs +batch/v1 +true +Job")
                .containsPattern("events +ev +v1 +true +Event")
                .containsPattern("namespaces +ns +v1 +false +Namespace");
    }

    @Test
    void shortNamesResolve() {
        assertThat(kubectl.run("get", "pd").err()).contains("No resources found in default namespace.");
        assertThat(kubectl.run("get", "preview").err()).contains("No resources found in default namespace.");
        Run unknown = kubectl.run("get", "nosuchthing");
        assertThat(unknown.exit()).isOne();
        assertThat(unknown.err()).contains("the server doesn't have a resource type \"nosuchthing\"");
    }

    @Test
    void explainPrintsTheCrdsDescriptions() {
        Run spec = kubectl.run("explain", "pd.spec");

        assertThat(spec.exit()).as(spec.toString()).isZero();
        assertThat(spec.out())
                .contains("KIND:       PreviewDeployment")
                .contains("VERSION:    v1alpha1")
                .containsPattern("branch\\s+<string> -required-")
                .contains("Git branch this preview is for.")
                .containsPattern("commit\\s+<string> -required-")
                .contains("Commit SHA to run (7-40 lowercase hex characters).");
        Run port = kubectl.run("explain", "pd.spec.backend.port");
        assertThat(port.out()).contains("FIELD: port <integer>").contains("Default 8080");
    }

    @Test
    void explainShowsTheFieldsOfBuiltInKinds() {
        Run run = kubectl.run("explain", "deployment.spec");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("KIND:       Deployment").containsPattern("replicas\\s+<integer>");
    }
}
