package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.SpecCheck;
import dev.previews.testing.Repository;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in the repository are valid: they load and pass the operator's own checks. */
class ExamplesTest {
    @Test
    void examplePreviewsPassTheSpecCheck() throws Exception {
        for (String file : new String[] {
            "preview.yaml", "preview-with-ingress.yaml", "preview-bluegreen.yaml", "preview-private.yaml"
        }) {
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

    /** The commented plan with defaults in deploy/ and examples/ is one a reader can uncomment as it is. */
    @Test
    void theCommentedPlanDefaultsLoadOnceUncommented() throws Exception {
        var configMap = Serialization.unmarshal(
                Files.readString(Repository.path("deploy", "03-configmap.yaml")), ConfigMap.class);
        for (String text : List.of(
                configMap.getData().get("config.yaml"),
                Files.readString(Repository.path("examples", "operator-config.yaml")))) {
            PodDefaults defaults = ConfigLoader.parse("defaultPlan: team\nplans:\n" + uncommented(text, "team:"))
                    .plan("team")
                    .orElseThrow()
                    .defaults();
            assertThat(defaults.env()).extracting(EnvVar::getName).containsExactly("LOG_LEVEL");
            assertThat(defaults.envFrom()).hasSize(2);
            assertThat(defaults.imagePullSecrets()).hasSize(1);
            assertThat(defaults.resources()).isNotNull();
            assertThat(defaults.seedResources()).isNotNull();
        }
    }

    /** The commented block that starts with {@code first}, without its comment marks, indented by two. */
    private static String uncommented(String text, String first) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf(lines.stream()
                .filter(l -> l.strip().startsWith("# " + first))
                .findFirst()
                .orElseThrow());
        String marker = lines.get(start).substring(0, lines.get(start).indexOf('#') + 2);
        StringBuilder out = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith(marker); i++) {
            out.append("  ").append(lines.get(i).substring(marker.length())).append('\n');
        }
        return out.toString();
    }

    @Test
    void exampleConfigurationLoads() throws Exception {
        OperatorConfig config = ConfigLoader.load(Repository.path("examples", "operator-config.yaml"));
        assertThat(config.plan("gitops")).get().extracting(Plan::expiry).isEqualTo(ExpiryPolicy.Deprovision);
    }
}
