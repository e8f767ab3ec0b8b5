package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
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

    static DeployCommand.Verdict judge(PreviewDeployment p) {
        return DeployCommand.judge(p, 1, Previews.COMMIT_A, null, null, false);
    }

    @Test
    void anOperatorTheApiServerRefusesEndsTheWaitWithItsOwnCode() {
        String refused = "creating Deployment shop failed: deployments.apps is forbidden: User \"system:serviceaccount:"
                + "preview-operator:preview-operator\" cannot create resource \"deployments\"";
        DeployCommand.Verdict v = judge(withStatus(Phase.Failed, "ReconcileError", "ReconcileError", refused));

        assertThat(v.state()).isEqualTo(DeployCommand.State.FAILED);
        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.OPERATOR_REFUSED).isEqualTo(9);
        assertThat(v.failure().getMessage())
                .contains("the operator cannot act on preview shop")
                .contains("forbidden");
    }

    @Test
    void aBackendScaledToZeroEndsTheWait() {
        DeployCommand.Verdict v = judge(withStatus(
                Phase.Asleep, "ScaledToZero", "ScaledToZero", "spec.backend.replicas is 0: no pod serves the preview"));

        assertThat(v.failure().exitCode()).isEqualTo(ExitCodes.PROVISION_FAILED);
    }

    @Test
    void stillProvisioningKeepsWaiting() {
        DeployCommand.Verdict v = judge(withStatus(Phase.Provisioning, "Provisioning", "Provisioning", "creating"));

        assertThat(v.state()).isEqualTo(DeployCommand.State.PROVISIONING);
        assertThat(v.failure()).isNull();
    }
}
