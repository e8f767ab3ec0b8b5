package dev.previews.operator;

import static dev.previews.testing.PreviewCluster.condition;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.preview;
import static dev.previews.testing.Previews.withSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.testing.PreviewCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SeedingTest {
    @RegisterExtension
    static final PreviewCluster cluster = new PreviewCluster();

    static final String NS = "seeding";

    private PreviewDeployment createSeeded(String name) {
        PreviewDeployment p = withSeed(preview(NS, name, "feature/" + name));
        p.getSpec().getSeed().setEnv(List.of(new EnvVar("FIXTURES", "demo", null)));
        return cluster.create(p);
    }

    @Test
    void noJobBeforeProvisionedThenAJobThatFollowsTheSpec() {
        PreviewDeployment created = createSeeded("jobspec");
        PreviewDeployment waiting =
                cluster.awaitPreview(NS, "jobspec", condition("Seeded", "False", "WaitingForBackend"));
        assertThat(waiting.getStatus().isTrue("Provisioned")).isFalse();
        assertThat(cluster.seedJobs(NS, "jobspec"))
                .as("no seed before the backend is available")
                .isEmpty();
        assertThat(waiting.getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("False");

        cluster.makeAvailable(NS, "jobspec");
        Job job = cluster.awaitSeedJob(NS, "jobspec");
        assertThat(job.getMetadata().getName())
                .startsWith("jobspec-seed-a1b2c3d-")
                .hasSizeLessThanOrEqualTo(63);
        ProvisioningTest.assertControlledBy(job.getMetadata().getOwnerReferences(), created);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example.com/shop/api:a1b2c3d");
        assertThat(c.getCommand()).containsExactly("/app/seed");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env)
                .containsEntry("PREVIEW_URL", "http://jobspec.seeding.svc.cluster.local")
                .containsEntry("PREVIEW_NAME", "jobspec")
                .containsEntry("PREVIEW_NAMESPACE", NS)
                .containsEntry("PREVIEW_BRANCH", "feature/jobspec")
                .containsEntry("PREVIEW_COMMIT", COMMIT_A)
                .containsEntry("FIXTURES", "demo");

        PreviewDeployment seeding = cluster.awaitPreview(NS, "jobspec", condition("Seeded", "False", "Seeding"));
        assertThat(seeding.getStatus().getPhase()).isEqualTo(Phase.Seeding);
        assertThat(seeding.getStatus().getSeed().getJobName())
                .isEqualTo(job.getMetadata().getName());
        assertThat(seeding.getStatus().getSeed().getStartedAt()).isNotNull();
        assertThat(seeding.getStatus().condition("Ready").orElseThrow().getStatus())
                .as("kubectl wait --for=condition=Ready does not return while the seed runs")
                .isEqualTo("False");
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons(NS, "jobspec").contains("SeedStarted"));
    }

    @Test
    void aSucceededSeedMakesThePreviewReady() {
        createSeeded("happy");
        cluster.makeAvailable(NS, "happy");
        Job job = cluster.awaitSeedJob(NS, "happy");
        cluster.simulator().succeedSeed(NS, job.getMetadata().getName());

        PreviewDeployment ready = cluster.awaitPreview(NS, "happy", condition("Ready", "True", "Ready"));
        assertThat(ready.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(ready.getStatus().condition("Seeded").orElseThrow().getReason())
                .isEqualTo("SeedSucceeded");
        assertThat(ready.getStatus().condition("SeedFailed").orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(ready.getStatus().getSeed().getFinishedAt()).isNotNull();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.eventReasons(NS, "happy").contains("Seeded"));
    }

    @Test
    void aFailedSeedSaysWhyAndKeepsTheBackend() {
        createSeeded("sad");
        cluster.makeAvailable(NS, "sad");
        Job job = cluster.awaitSeedJob(NS, "sad");
        StringBuilder output = new StringBuilder();
        for (int i = 1; i <= 40; i++)
            output.append("migrating table ").append(i).append('\n');
        output.append("ERROR: relation \"orders\" does not exist");
        cluster.simulator().failSeed(NS, job.getMetadata().getName(), output.toString());

        PreviewDeployment failed =
                cluster.awaitPreview(NS, "sad", condition("SeedFailed", "True", "BackoffLimitExceeded"));
        String message =
                failed.getStatus().condition("SeedFailed").orElseThrow().getMessage();
        assertThat(message)
                .contains("BackoffLimitExceeded")
                .contains("ERROR: relation \"orders\" does not exist")
                .contains("migrating table 40")
                .doesNotContain("migrating table 1\n");
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.SeedFailed);
        assertThat(failed.getStatus().condition("Seeded").orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("SeedFailed");
        });
        assertThat(failed.getStatus().isTrue("Provisioned"))
                .as("the backend stays provisioned")
                .isTrue();
        assertThat(failed.getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(failed.getStatus().getSeed().getMessage()).isEqualTo(message);
        assertThat(cluster.deployment(NS, "sad")).isNotNull();
        assertThat(cluster.service(NS, "sad")).isNotNull();
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.events(NS, "sad").stream()
                        .anyMatch(e -> "SeedFailed".equals(e.getReason()) && "Warning".equals(e.getType())));
    }

    @Test
    void aRestartDuringTheSeedDoesNotStartASecondJob() {
        createSeeded("restart");
        cluster.makeAvailable(NS, "restart");
        Job job = cluster.awaitSeedJob(NS, "restart");
        cluster.awaitPreview(NS, "restart", condition("Seeded", "False", "Seeding"));

        cluster.stopOperator();
        cluster.startOperator();
        await().atMost(PreviewCluster.WAIT).until(() -> cluster.reconcileCount(NS, "restart") > 0);
        cluster.simulator().succeedSeed(NS, job.getMetadata().getName());
        cluster.awaitPreview(NS, "restart", condition("Ready", "True", null));

        assertThat(cluster.seedJobs(NS, "restart"))
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(job.getMetadata().getName());
    }

    @Test
    void theReseedAnnotationAndAChangedSeedRunTheSeedAgainAgainstTheRunningBackend() {
        createSeeded("reseed");
        cluster.makeAvailable(NS, "reseed");
        Job first = cluster.awaitSeedJob(NS, "reseed");
        cluster.simulator().succeedSeed(NS, first.getMetadata().getName());
        cluster.awaitPreview(NS, "reseed", condition("Ready", "True", null));
        String deploymentUid = cluster.deployment(NS, "reseed").getMetadata().getUid();

        cluster.edit(NS, "reseed", p -> {
            p.getMetadata().setAnnotations(Map.of(PreviewDeployment.RESEED_ANNOTATION, "2026-11-02T10:00"));
            return p;
        });
        Job second = awaitOtherJob("reseed", first.getMetadata().getName());
        assertThat(second.getMetadata().getName()).startsWith("reseed-seed-a1b2c3d-");
        cluster.simulator().succeedSeed(NS, second.getMetadata().getName());
        cluster.awaitPreview(
                NS,
                "reseed",
                p -> p.getStatus().isTrue("Ready")
                        && second.getMetadata()
                                .getName()
                                .equals(p.getStatus().getSeed().getJobName()));

        cluster.edit(NS, "reseed", p -> {
            p.getSpec().getSeed().setArgs(List.of("--fixtures", "large"));
            return p;
        });
        Job third = awaitOtherJob("reseed", second.getMetadata().getName());
        assertThat(third.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly("--fixtures", "large");
        assertThat(cluster.deployment(NS, "reseed").getMetadata().getUid())
                .as("the backend is not recreated")
                .isEqualTo(deploymentUid);
    }

    @Test
    void aNewCommitStopsTheRunningSeedBeforeRecreatingAndSeedsTheNewCommit() {
        createSeeded("push");
        cluster.makeAvailable(NS, "push");
        Job old = cluster.awaitSeedJob(NS, "push");
        cluster.awaitPreview(NS, "push", condition("Seeded", "False", "Seeding"));
        cluster.clearRequests();

        cluster.edit(NS, "push", p -> {
            p.getSpec().setCommit(COMMIT_B);
            return p;
        });
        await().atMost(PreviewCluster.WAIT).until(() -> {
            var d = cluster.deployment(NS, "push");
            return d != null && COMMIT_B.equals(d.getMetadata().getLabels().get("previews.dev/commit"));
        });
        List<String> writes = PreviewCluster.writes(cluster.drainRequests());
        int jobDeleted = PreviewCluster.indexOf(
                writes,
                "DELETE /apis/batch/v1/namespaces/" + NS + "/jobs/"
                        + old.getMetadata().getName());
        int deploymentDeleted =
                PreviewCluster.indexOf(writes, "DELETE /apis/apps/v1/namespaces/" + NS + "/deployments/push");
        int deploymentCreated = PreviewCluster.indexOf(writes, "POST /apis/apps/v1/namespaces/" + NS + "/deployments");
        assertThat(jobDeleted).as("old seed Job deleted in %s", writes).isGreaterThanOrEqualTo(0);
        assertThat(deploymentDeleted).isGreaterThan(jobDeleted);
        assertThat(deploymentCreated).isGreaterThan(deploymentDeleted);
        assertThat(cluster.seedJobs(NS, "push"))
                .as("no seed for the new commit before its backend is available")
                .isEmpty();

        cluster.makeAvailable(NS, "push");
        Job fresh = cluster.awaitSeedJob(NS, "push");
        assertThat(fresh.getMetadata().getName()).startsWith("push-seed-b2c3d4e-");
        assertThat(fresh.getMetadata().getLabels()).containsEntry("previews.dev/commit", COMMIT_B);
    }

    private Job awaitOtherJob(String preview, String previous) {
        await().atMost(PreviewCluster.WAIT)
                .until(() -> cluster.seedJobs(NS, preview).stream()
                        .anyMatch(j -> !j.getMetadata().getName().equals(previous)));
        return cluster.seedJobs(NS, preview).stream()
                .filter(j -> !j.getMetadata().getName().equals(previous))
                .findFirst()
                .orElseThrow();
    }
}
