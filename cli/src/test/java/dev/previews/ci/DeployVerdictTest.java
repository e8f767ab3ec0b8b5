package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.RolloverPhase;
import dev.previews.api.RolloverStatus;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What deploy makes of a status it reads: when to stop waiting, and with which exit code. */
class DeployVerdictTest {
    static PreviewDeployment withStatus(Phase phase, String provisioned, String ready, String message) {
        PreviewDeployment p = Previews.preview("team", "shop", "feature/shop");
        p.getMetadata().setGeneration(1L);
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        s.setObservedGeneration(1L);
        s.setPhase(phase);
        s.setConditions(List.of(
                new ConditionBuilder()
                        .withType("Provisioned")
                        .withStatus("False")
                        .withReason(provisioned)
                        .withMessage(message)
                        .build(),
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("False")
                        .withReason(ready)
                        .withMessage(message)
                        .build()));
        p.setStatus(s);
        return p;
    }

    static DeployVerdict judge(PreviewDeployment p) {
        return DeployVerdict.of(p, 1, Previews.COMMIT_A, null, null, false);
    }

    @Test
    void anOperatorTheApiServerRefusesEndsTheWaitWithItsOwnCode() {
        String refused = "creating Deployment shop failed: deployments.apps is forbidden: User \"system:serviceaccount:"
                + "preview-operator:preview-operator\" cannot create resource \"deployments\"";
        DeployVerdict v = judge(withStatus(Phase.Failed, "ReconcileError", "ReconcileError", refused));

        assertThat(v.state()).isEqualTo(DeployVerdict.State.FAILED);
        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.OPERATOR_REFUSED).isEqualTo(9);
        assertThat(v.failure().getMessage())
                .contains("the operator cannot act on preview shop")
                .contains("forbidden");
    }

    @Test
    void aBackendScaledToZeroEndsTheWait() {
        DeployVerdict v = judge(withStatus(
                Phase.Asleep, "ScaledToZero", "ScaledToZero", "spec.backend.replicas is 0: no pod serves the preview"));

        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.PROVISION_FAILED);
    }

    @Test
    void stillProvisioningKeepsWaiting() {
        DeployVerdict v = judge(withStatus(Phase.Provisioning, "Provisioning", "Provisioning", "creating"));

        assertThat(v.state()).isEqualTo(DeployVerdict.State.PROVISIONING);
        assertThat(v.failure()).isNull();
    }

    /** Ready at commit A, rolling over (BlueGreen) to commit B, the deployed commit. */
    static PreviewDeployment rollingOverToB(RolloverPhase phase, String message) {
        PreviewDeployment p = withStatus(Phase.Ready, "Available", "Ready", "commit a1b2c3d is provisioned and seeded");
        p.getSpec().setCommit(Previews.COMMIT_B);
        PreviewDeploymentStatus s = p.getStatus();
        s.setCommit(Previews.COMMIT_A);
        s.setShortCommit("a1b2c3d");
        s.setUrl("http://shop.team.svc.cluster.local");
        s.getConditions().forEach(c -> c.setStatus("True"));
        RolloverStatus next = new RolloverStatus();
        next.setCommit(Previews.COMMIT_B);
        next.setShortCommit("b2c3d4e");
        next.setPhase(phase);
        next.setMessage(message);
        s.setNext(next);
        if (phase == RolloverPhase.SeedFailed) {
            s.setConditions(new java.util.ArrayList<>(s.getConditions()));
            s.getConditions()
                    .add(new ConditionBuilder()
                            .withType("SeedFailed")
                            .withStatus("True")
                            .withReason("BackoffLimitExceeded")
                            .withMessage(message)
                            .build());
        }
        return p;
    }

    static DeployVerdict judgeB(PreviewDeployment p) {
        return DeployVerdict.of(p, 1, Previews.COMMIT_B, null, null, false);
    }

    @Test
    void aRolloverUnderWayKeepsWaiting_sayingTheOldCommitServes() {
        DeployVerdict v = judgeB(rollingOverToB(RolloverPhase.Seeding, "seed Job shop-seed-b2c3d4e-1 runs"));

        assertThat(v.state()).isEqualTo(DeployVerdict.State.PROVISIONING);
        assertThat(v.failure()).isNull();
        assertThat(v.summary())
                .contains("Rolling over to b2c3d4e (Seeding)")
                .contains("commit a1b2c3d serves meanwhile");
    }

    @Test
    void aRolloverWhoseSeedFailedEndsWithTheSeedFailureCode_thoughTheOldCommitServes() {
        DeployVerdict v = judgeB(rollingOverToB(
                RolloverPhase.SeedFailed, "seed Job shop-seed-b2c3d4e-1 failed (BackoffLimitExceeded): boom"));

        assertThat(v.state()).isEqualTo(DeployVerdict.State.FAILED);
        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.SEED_FAILED);
        assertThat(v.failure().getMessage())
                .contains("during its BlueGreen rollover")
                .contains("commit a1b2c3d keeps serving at http://shop.team.svc.cluster.local")
                .contains("boom");
    }

    @Test
    void aRolloverWhoseBackendNeverCameUpEndsWithTheProvisioningCode() {
        DeployVerdict v = judgeB(rollingOverToB(
                RolloverPhase.Failed, "Deployment shop-b2c3d4e is not progressing (ProgressDeadlineExceeded)"));

        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.PROVISION_FAILED);
        assertThat(v.failure().getMessage())
                .contains("ProgressDeadlineExceeded")
                .contains("keeps serving");
    }

    @Test
    void aFailedRolloverToAnOlderCommitDoesNotFailTheDeployOfTheNewOne() {
        PreviewDeployment p = rollingOverToB(RolloverPhase.SeedFailed, "boom");
        DeployVerdict v = DeployVerdict.of(p, 1, Previews.COMMIT_C, null, null, false);

        assertThat(v.failure()).isNull();
        assertThat(v.state()).isEqualTo(DeployVerdict.State.PROVISIONING);
    }
}
