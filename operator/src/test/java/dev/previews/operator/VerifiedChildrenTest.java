package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

class VerifiedChildrenTest {
    final VerifiedChildren verified = new VerifiedChildren();

    @Test
    void aChildIsTrustedOnlyAtTheVersionAndForTheWantSeen() {
        Deployment d = deployment("uid-1", "10");
        assertThat(verified.holds(d, "p/1")).isFalse();
        verified.remember(d, "p/1");
        assertThat(verified.holds(deployment("uid-1", "10"), "p/1")).isTrue();
        assertThat(verified.holds(deployment("uid-1", "11"), "p/1"))
                .as("changed since (an edit by hand)")
                .isFalse();
        assertThat(verified.holds(deployment("uid-2", "10"), "p/1"))
                .as("deleted and created again")
                .isFalse();
        assertThat(verified.holds(d, "p/2"))
                .as("the preview wants something new")
                .isFalse();
    }

    @Test
    void aDeploymentIsTrustedThroughStatusUpdatesButNotThroughChangesOfSpecOrMetadata() {
        verified.remember(deployment("uid-1", "10", 1L), "p/1");
        assertThat(verified.holds(deployment("uid-1", "11", 1L), "p/1"))
                .as("a new resourceVersion at the same generation: the controller wrote the status")
                .isTrue();
        assertThat(verified.holds(deployment("uid-1", "12", 2L), "p/1"))
                .as("the spec changed (an edit by hand)")
                .isFalse();
        Deployment relabelled = deployment("uid-1", "13", 1L);
        relabelled.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "someone-else");
        assertThat(verified.holds(relabelled, "p/1")).as("a label changed").isFalse();
        Deployment annotated = deployment("uid-1", "14", 1L);
        annotated.getMetadata().getAnnotations().put("previews.dev/created-at", "2026-01-01T00:00:00Z");
        assertThat(verified.holds(annotated, "p/1")).as("an annotation changed").isFalse();
        Deployment orphaned = deployment("uid-1", "15", 1L);
        orphaned.getMetadata().setOwnerReferences(null);
        assertThat(verified.holds(orphaned, "p/1"))
                .as("the owner reference went")
                .isFalse();
    }

    @Test
    void aServiceIsTrustedOnlyAtTheResourceVersionSeenWhateverItsGeneration() {
        Service s = new ServiceBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace("ns")
                .withUid("uid-1")
                .withResourceVersion("10")
                .withGeneration(1L)
                .endMetadata()
                .build();
        verified.remember(s, "p/1");
        Service edited = new ServiceBuilder(s)
                .editMetadata()
                .withResourceVersion("11")
                .endMetadata()
                .build();
        assertThat(verified.holds(edited, "p/1"))
                .as("a Service's generation does not follow its spec")
                .isFalse();
    }

    @Test
    void kindsAreKeptApartAndForgotten() {
        verified.remember(deployment("uid-1", "10"), "p/1");
        Service s = new ServiceBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace("ns")
                .withUid("uid-1")
                .withResourceVersion("10")
                .endMetadata()
                .build();
        assertThat(verified.holds(s, "p/1")).isFalse();
        verified.remember(s, "p/1");
        verified.forget(deployment("uid-1", "10"));
        assertThat(verified.holds(deployment("uid-1", "10"), "p/1")).isFalse();
        assertThat(verified.holds(s, "p/1")).isTrue();
        verified.forget(new ResourceID("shop", "ns"));
        assertThat(verified.holds(s, "p/1")).isFalse();
    }

    @Test
    void nothingIsRememberedWithoutAWant() {
        verified.remember(deployment("uid-1", "10"), null);
        assertThat(verified.holds(deployment("uid-1", "10"), "null")).isFalse();
    }

    private static Deployment deployment(String uid, String resourceVersion) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace("ns")
                .withUid(uid)
                .withResourceVersion(resourceVersion)
                .endMetadata()
                .build();
    }

    /** A Deployment as the operator writes it: labels, annotations, an owner, and a generation. */
    private static Deployment deployment(String uid, String resourceVersion, long generation) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace("ns")
                .withUid(uid)
                .withResourceVersion(resourceVersion)
                .withGeneration(generation)
                .addToLabels("app.kubernetes.io/managed-by", "preview-operator")
                .addToAnnotations("previews.dev/created-at", "2026-11-22T08:00:00Z")
                .addNewOwnerReference()
                .withApiVersion("previews.dev/v1alpha1")
                .withKind("PreviewDeployment")
                .withName("shop")
                .withUid("owner-1")
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .build();
    }
}
