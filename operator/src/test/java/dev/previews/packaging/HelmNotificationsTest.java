package dev.previews.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.previews.policy.ConfigLoader;
import dev.previews.policy.NotificationConfig.Webhook;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.SecretSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart's notifications values: webhook URLs from Secrets through the container's environment. */
class HelmNotificationsTest {
    static final String VALUES = """
            notifications:
              webhooks:
                - name: team-slack
                  urlFrom:
                    secretKeyRef: {name: preview-webhooks, key: slack}
                - name: ops
                  urlFrom: {file: /vault/secrets/ops-webhook}
                  events: [Expired, SeedFailed]
                  namespaces: [team-a]
            """;

    /** The pod's environment and files, as the kubelet and an injector would give them. */
    static SecretSource pod(Map<String, String> env, Map<String, String> files) {
        return new SecretSource() {
            @Override
            public String env(String name) {
                return env.get(name);
            }

            @Override
            public String file(Path path) throws IOException {
                String content = files.get(path.toString());
                if (content == null) throw new NoSuchFileException(path.toString());
                return content;
            }
        };
    }

    @Test
    void aSecretKeyRefBecomesAnEnvironmentVariableTheConfigurationNames() throws Exception {
        List<GenericKubernetesResource> objects = ChartRendering.render(VALUES);
        Deployment d = Manifests.one(objects, Deployment.class);
        List<EnvVar> env =
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).extracting(EnvVar::getName).containsExactly("POD_NAMESPACE", "PREVIEW_WEBHOOK_TEAM_SLACK_URL");
        EnvVar url = env.get(1);
        assertThat(url.getValue()).isNull();
        assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("preview-webhooks");
        assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("slack");

        String config = Manifests.one(objects, ConfigMap.class).getData().get("config.yaml");
        assertThat(config).doesNotContain("preview-webhooks").doesNotContain("secretKeyRef");
        OperatorConfig read = ConfigLoader.parse(
                config,
                pod(
                        Map.of("PREVIEW_WEBHOOK_TEAM_SLACK_URL", "https://hooks.slack.example/services/T/B/x"),
                        Map.of("/vault/secrets/ops-webhook", "https://alerts.example/hook\n")));
        assertThat(read.notifications().webhooks())
                .extracting(Webhook::name, Webhook::url, Webhook::events, Webhook::namespaces)
                .containsExactly(
                        tuple(
                                "team-slack",
                                URI.create("https://hooks.slack.example/services/T/B/x"),
                                Set.of("ExpiresSoon", "Expired", "SeedFailed", "Asleep", "Awake"),
                                Set.of()),
                        tuple(
                                "ops",
                                URI.create("https://alerts.example/hook"),
                                Set.of("Expired", "SeedFailed"),
                                Set.of("team-a")));
        assertThat(read.plans()).isEqualTo(OperatorConfig.defaults().plans());

        // the pod reads the Secret; the operator's own role still cannot
        DeployManifestsTest.assertNoWildcardsNoSecrets(
                Manifests.one(objects, ClusterRole.class).getRules());
        // a change of webhooks restarts the operator, which reads its configuration at start
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"))
                .isNotEqualTo(Manifests.one(ChartRendering.render(), Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/config"));
    }

    @Test
    void withoutWebhooksTheConfigurationHasNoNotificationsSection() {
        String config = Manifests.one(ChartRendering.render(), ConfigMap.class)
                .getData()
                .get("config.yaml");
        assertThat(config).doesNotContain("notifications");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        "no urlFrom",
                        "notifications: {webhooks: [{name: a}]}\n",
                        "at '/notifications/webhooks/0': missing property 'urlFrom'"),
                Arguments.of(
                        "a URL in the values",
                        "notifications: {webhooks: [{name: a, url: 'https://x', urlFrom: {file: /f}}]}\n",
                        "additional properties 'url' not allowed"),
                Arguments.of(
                        "both a Secret and a file",
                        "notifications: {webhooks: [{name: a, urlFrom: {file: /f, secretKeyRef: {name: s, key: k}}}]}\n",
                        "at '/notifications/webhooks/0/urlFrom'"),
                Arguments.of(
                        "a Secret without its key",
                        "notifications: {webhooks: [{name: a, urlFrom: {secretKeyRef: {name: s}}}]}\n",
                        "at '/notifications/webhooks/0/urlFrom/secretKeyRef': missing property 'key'"),
                Arguments.of(
                        "an unknown event",
                        "notifications: {webhooks: [{name: a, urlFrom: {file: /f}, events: [Expiring]}]}\n",
                        "at '/notifications/webhooks/0/events/0'"),
                Arguments.of(
                        "a name that is no DNS label",
                        "notifications: {webhooks: [{name: Team_Slack, urlFrom: {file: /f}}]}\n",
                        "at '/notifications/webhooks/0/name'"),
                Arguments.of(
                        "a name used twice",
                        "notifications: {webhooks: [{name: a, urlFrom: {file: /f}}, {name: a, urlFrom: {file: /g}}]}\n",
                        "notifications.webhooks: the name \"a\" is used twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRejected(String what, String values, String message) {
        assertThatThrownBy(() -> ChartRendering.template(values)).hasMessageContaining(message);
    }
}
