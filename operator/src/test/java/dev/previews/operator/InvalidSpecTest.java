package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.IngressSpec;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.PreviewCluster;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the schema cannot refuse gets InvalidSpec, a Warning event, no retry storm and no loss. */
class InvalidSpecTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "invalid";

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of(
                        "placeholder",
                        (Consumer<PreviewDeployment>)
                                p -> p.getSpec().getBackend().setImage("r.io/app:{{tag}}"),
                        "spec.backend.image: unknown placeholder '{{tag}}'"),
                Arguments.of(
                        "image",
                        (Consumer<PreviewDeployment>)
                                p -> p.getSpec().getBackend().setImage("R.io/App::x"),
                        "is not a valid image reference"),
                Arguments.of(
                        "branch-image",
                        (Consumer<PreviewDeployment>) p -> {
                            p.getSpec().setBranch("---");
                            p.getSpec().getBackend().setImage("r.io/app:{{branch}}:{{branch}}");
                        },
                        "spec.backend.image"),
                Arguments.of(
                        "host",
                        (Consumer<PreviewDeployment>) p -> {
                            IngressSpec ingress = new IngressSpec();
                            ingress.setHost("{{name}}.{{team}}.example.com");
                            p.getSpec().setIngress(ingress);
                        },
                        "spec.ingress.host: unknown placeholder '{{team}}'"),
                Arguments.of(
                        "commit",
                        (Consumer<PreviewDeployment>) p -> p.getSpec().setCommit("main"),
                        "spec.commit 'main'"),
                Arguments.of(
                        "ttl", (Consumer<PreviewDeployment>) p -> p.getSpec().setTtl("0d"), "spec.ttl"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void eachInvalidSpecIsReportedOnceWithoutProvisioning(
            String name, Consumer<PreviewDeployment> breakIt, String expected) {
        PreviewDeployment p = preview(NS, "bad-" + name, "feature/" + name);
        breakIt.accept(p);
        cluster.create(p);
        PreviewDeployment invalid =
                cluster.awaitPreview(NS, "bad-" + name, condition("Provisioned", "False", "InvalidSpec"));
        assertThat(invalid.getStatus().getPhase()).isEqualTo(Phase.Invalid);
        assertThat(invalid.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains(expected);
        assertThat(invalid.getStatus().condition("Ready").orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InvalidSpec");
        });
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.events(NS, "bad-" + name).stream()
                        .anyMatch(e -> "InvalidSpec".equals(e.getReason()) && "Warning".equals(e.getType())));
        assertThat(cluster.deployment(NS, "bad-" + name)).isNull();
        assertThat(cluster.service(NS, "bad-" + name)).isNull();
    }

    @Test
    void aNameThatCannotNameAServiceIsInvalid() {
        cluster.create(preview(NS, "x".repeat(64), "feature/long"));
        PreviewDeployment invalid =
                cluster.awaitPreview(NS, "x".repeat(64), condition("Provisioned", "False", "InvalidSpec"));
        assertThat(invalid.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains("longer than 63 characters");
    }

    @Test
    void aBadEditKeepsTheRunningBackendAndDoesNotRetryInALoop() {
        cluster.create(preview(NS, "edited", "feature/edited"));
        cluster.makeAvailable(NS, "edited");
        cluster.awaitPreview(NS, "edited", condition("Ready", "True", null));
        String uid = cluster.deployment(NS, "edited").getMetadata().getUid();
        String image = cluster.deployment(NS, "edited")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();

        cluster.edit(NS, "edited", p -> {
            p.getSpec().getBackend().setImage("registry.example.com/shop/api:{{sha}}");
            return p;
        });
        PreviewDeployment invalid =
                cluster.awaitPreview(NS, "edited", condition("Provisioned", "False", "InvalidSpec"));
        assertThat(invalid.getStatus().condition("Provisioned").orElseThrow().getMessage())
                .contains("{{sha}}")
                .contains("the backend of commit a1b2c3d keeps running");
        int reconciles = cluster.reconcileCount(NS, "edited");
        cluster.clearRequests();
        // Give a retry storm the chance to show: a further unrelated event, then count.
        cluster.client().services().inNamespace(NS).withName("edited").edit(s -> {
            s.getMetadata().setAnnotations(Map.of("example.com/touched", "yes"));
            return s;
        });
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount(NS, "edited") > reconciles);
        assertThat(PreviewCluster.writes(cluster.drainRequests()))
                .as("only the test's own write")
                .hasSize(1);
        assertThat(cluster.deployment(NS, "edited").getMetadata().getUid()).isEqualTo(uid);
        assertThat(cluster.deployment(NS, "edited")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(image);
        await().atMost(PreviewCluster.WAIT)
                .untilAsserted(() -> assertThat(
                                cluster.events(NS, "edited").stream().filter(e -> "InvalidSpec".equals(e.getReason())))
                        .singleElement()
                        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1)));

        cluster.edit(NS, "edited", p -> {
            p.getSpec().getBackend().setImage("registry.example.com/shop/api:{{commit}}");
            return p;
        });
        cluster.awaitPreview(
                NS,
                "edited",
                p -> p.getStatus().isTrue("Provisioned")
                        || "Provisioning".equals(p.getStatus().reason("Provisioned")));
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.deployment(NS, "edited")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .endsWith(":a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"));
    }
}
