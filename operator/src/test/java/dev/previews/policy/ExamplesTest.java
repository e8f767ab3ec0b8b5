package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.SpecCheck;
import dev.previews.testing.Repository;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The examples in the repository are valid: they load and pass the operator's own checks. */
class ExamplesTest {
    @Test
    void examplePreviewsPassTheSpecCheck() throws Exception {
        for (String file : new String[] {"preview.yaml", "preview-with-ingress.yaml", "preview-bluegreen.yaml"}) {
            PreviewDeployment p = Serialization.unmarshal(
                    Files.readString(Repository.path("examples", file)), PreviewDeployment.class);
            p.getMetadata().setNamespace("team-a");
            SpecCheck.Result result = SpecCheck.check(p, null);
            assertThat(result.problems()).as(file).isEmpty();
        }
    }

    @Test
    void theShippedConfigMapHoldsAConfigurationTheOperatorAccepts() throws Exception {
        var configMap = Serialization.unmarshal(
                Files.readString(Repository.path("deploy", "03-configmap.yaml")), ConfigMap.class);
        OperatorConfig config = ConfigLoader.parse(configMap.getData().get("config.yaml"));
        assertThat(config).isEqualTo(OperatorConfig.defaults());
    }

    @Test
    void exampleConfigurationLoads() throws Exception {
        OperatorConfig config = ConfigLoader.load(Repository.path("examples", "operator-config.yaml"));
        assertThat(config.plan("gitops")).get().extracting(Plan::expiry).isEqualTo(ExpiryPolicy.Deprovision);
    }
}
