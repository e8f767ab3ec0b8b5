package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.api.Rollover;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @Test
    void defaultsWhenAbsent() throws Exception {
        OperatorConfig config = ConfigLoader.parse("");
        assertThat(config.defaultPlan()).isEqualTo("starter");
        assertThat(config.plan("starter")).contains(new Plan("starter", Duration.ofDays(5), 40, ExpiryPolicy.Delete));
        assertThat(config.plan("professional"))
                .contains(new Plan("professional", Duration.ofDays(14), 300, ExpiryPolicy.Delete));
        assertThat(config.namespaces()).isEmpty();
        assertThat(config.ingressHostTemplate()).isNull();
    }

    @Test
    void readsEveryKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), """
        plans:
          team: {ttl: 36h, maxPreviews: 3, expiry: Deprovision}
          big:
            ttl: 30d
            maxPreviews: 1000
            expiry: Delete
        defaultPlan: team
        ingress:
          hostTemplate: "{{name}}.{{namespace}}.previews.example.com"
        namespaces: [team-a, team-b]
        """);
        OperatorConfig config = ConfigLoader.load(file);
        assertThat(config.plans()).containsOnlyKeys("team", "big");
        assertThat(config.plan("team")).contains(new Plan("team", Duration.ofHours(36), 3, ExpiryPolicy.Deprovision));
        assertThat(config.defaultPlan()).isEqualTo("team");
        assertThat(config.ingressHostTemplate()).isEqualTo("{{name}}.{{namespace}}.previews.example.com");
        assertThat(config.namespaces()).containsExactly("team-a", "team-b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown top key     | planz: {}                                                              | planz: unknown key",
                "unknown plan key    | 'plans: {starter: {ttl: 5d, maxPreviews: 4, expiry: Delete, color: red}}' | plans.starter.color: unknown key",
                "bad duration        | 'plans: {starter: {ttl: 5x, maxPreviews: 4, expiry: Delete}}'          | plans.starter.ttl: '5x' is not a duration",
                "negative limit      | 'plans: {starter: {ttl: 5d, maxPreviews: -1, expiry: Delete}}'         | plans.starter.maxPreviews: -1 is not allowed",
                "limit not a number  | 'plans: {starter: {ttl: 5d, maxPreviews: lots, expiry: Delete}}'       | plans.starter.maxPreviews: 'lots' is not a whole number",
                "bad expiry          | 'plans: {starter: {ttl: 5d, maxPreviews: 4, expiry: Archive}}'         | plans.starter.expiry: 'Archive' is not one of Delete, Deprovision",
                "missing ttl         | 'plans: {starter: {maxPreviews: 4, expiry: Delete}}'                   | plans.starter.ttl: missing",
                "undefined default   | 'defaultPlan: gold'                                                    | defaultPlan: plan 'gold' is not defined under plans",
                "bad host template   | 'ingress: {hostTemplate: \"{{pr}}.example.com\"}'                        | ingress.hostTemplate: unknown placeholder '{{pr}}'",
                "namespaces not list | 'namespaces: team-a'                                                   | namespaces: expected a list",
                "not yaml            | 'plans: [unclosed'                                                     | not valid YAML",
                "maxTtl below ttl    | 'plans: {starter: {ttl: 5d, maxTtl: 2d, maxPreviews: 4, expiry: Delete}}' | plans.starter.maxTtl: 2d is shorter than",
                "warning too early   | 'plans: {starter: {ttl: 5d, warnBefore: 6d, maxPreviews: 4, expiry: Delete}}' | plans.starter.warnBefore: 6d is not shorter than",
                "bad schedule        | 'plans: {starter: {ttl: 5d, awake: \"weekdays 9-5\", maxPreviews: 4, expiry: Delete}}' | is not a schedule",
                "bad day             | 'plans: {starter: {ttl: 5d, awake: \"Mon-Fry 07:00-20:00\", maxPreviews: 4, expiry: Delete}}' | is not a day",
                "bad zone            | 'plans: {starter: {ttl: 5d, awake: \"Mon-Fri 07:00-20:00 Mars/Olympus\", maxPreviews: 4, expiry: Delete}}' | is not a time zone",
                "bad sleepAfter      | 'plans: {starter: {ttl: 5d, sleepAfter: soon, maxPreviews: 4, expiry: Delete}}' | plans.starter.sleepAfter:",
                "bad rollover        | 'plans: {starter: {ttl: 5d, rollover: Canary, maxPreviews: 4, expiry: Delete}}' | plans.starter.rollover: 'Canary' is not one of Recreate, BlueGreen"
            })
    void badFilesAreRefusedWithOneLineNamingTheKey(String what, String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
    }

    @Test
    void readsWhatAPlanSaysOfLivingWithPreviews() throws Exception {
        OperatorConfig config = ConfigLoader.parse("""
        plans:
          starter: {ttl: 5d, maxTtl: 10d, warnBefore: 1d, sleepAfter: 12h, awake: "Mon-Fri 07:00-20:00 Europe/Berlin", maxPreviews: 40, expiry: Delete}
        """);
        Plan starter = config.plan("starter").orElseThrow();
        assertThat(starter.maxTtl()).isEqualTo(Duration.ofDays(10));
        assertThat(starter.warnBefore()).isEqualTo(Duration.ofDays(1));
        assertThat(starter.sleepAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(starter.awake()).hasToString("Mon-Fri 07:00-20:00 Europe/Berlin");
        assertThat(ConfigLoader.parse("plans: {starter: {ttl: 5d, maxPreviews: 1, expiry: Delete}}")
                        .plan("starter")
                        .orElseThrow()
                        .maxTtl())
                .as("maxTtl defaults to ttl")
                .isEqualTo(Duration.ofDays(5));
        assertThat(starter.rollover()).as("rollover defaults to Recreate").isEqualTo(Rollover.Recreate);
        assertThat(ConfigLoader.parse(
                                "plans: {starter: {ttl: 5d, maxPreviews: 1, expiry: Delete, rollover: BlueGreen}}")
                        .plan("starter")
                        .orElseThrow()
                        .rollover())
                .isEqualTo(Rollover.BlueGreen);
    }

    @Test
    void readsAPlansDefaultsForItsPreviewsPods() throws Exception {
        OperatorConfig config = ConfigLoader.parse("""
        plans:
          starter:
            ttl: 5d
            maxPreviews: 40
            expiry: Delete
            defaults:
              env:
                - {name: LOG_LEVEL, value: info}
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: preview-db, key: password, optional: true}}
                - name: POD_IP
                  valueFrom: {fieldRef: {fieldPath: status.podIP}}
              envFrom:
                - configMapRef: {name: preview-base}
                - {secretRef: {name: preview-tokens, optional: true}, prefix: TOKEN_}
              imagePullSecrets: [{name: registry-cred}]
              resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 512Mi}}
              seedResources: {limits: {cpu: 1, memory: 1Gi}}
          professional: {ttl: 14d, maxPreviews: 300, expiry: Delete}
        """);
        PodDefaults defaults = config.plan("starter").orElseThrow().defaults();
        assertThat(defaults.env()).extracting(EnvVar::getName).containsExactly("LOG_LEVEL", "DB_PASSWORD", "POD_IP");
        assertThat(defaults.env().get(0).getValue()).isEqualTo("info");
        assertThat(defaults.env().get(1).getValueFrom().getSecretKeyRef())
                .isEqualTo(new SecretKeySelector("password", "preview-db", true));
        assertThat(defaults.envFrom()).hasSize(2);
        assertThat(defaults.envFrom().get(0).getConfigMapRef().getName()).isEqualTo("preview-base");
        assertThat(defaults.envFrom().get(1).getSecretRef().getOptional()).isTrue();
        assertThat(defaults.envFrom().get(1).getPrefix()).isEqualTo("TOKEN_");
        assertThat(defaults.imagePullSecrets()).containsExactly(new LocalObjectReference("registry-cred"));
        assertThat(defaults.resources().getRequests())
                .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")));
        assertThat(defaults.resources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));
        assertThat(defaults.seedResources().getLimits())
                .isEqualTo(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")));
        assertThat(defaults.seedResources().getRequests()).isNull();
        assertThat(config.plan("professional").orElseThrow().defaults())
                .as("a plan without defaults")
                .isEqualTo(PodDefaults.NONE);
    }

    static Stream<Arguments> badDefaults() {
        return Stream.of(
                Arguments.of(
                        "defaults: {labels: {}}", "plans.starter.defaults.labels: unknown key (known: env, envFrom,"),
                Arguments.of("defaults: []", "plans.starter.defaults: expected a mapping"),
                Arguments.of("defaults: {env: {A: b}}", "plans.starter.defaults.env: expected a list"),
                Arguments.of(
                        "defaults: {env: [{name: A, vaule: b}]}",
                        "plans.starter.defaults.env[0].vaule: unknown key (known: name, value, valueFrom)"),
                Arguments.of(
                        "defaults: {env: [{value: b}]}",
                        "plans.starter.defaults.env[0].name: expected a non-empty value"),
                Arguments.of(
                        "defaults: {env: [{name: \"MY VAR\", value: b}]}",
                        "plans.starter.defaults.env[0].name: 'MY VAR' is not an environment variable name"),
                Arguments.of(
                        "defaults: {env: [{name: A, value: b}, {name: A, value: c}]}",
                        "plans.starter.defaults.env[1].name: A is given twice"),
                Arguments.of(
                        "defaults: {env: [{name: A, value: b, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]}",
                        "plans.starter.defaults.env[0]: value and valueFrom exclude each other"),
                Arguments.of(
                        "defaults: {env: [{name: A, valueFrom: {secretKeyRef: {name: db}}}]}",
                        "plans.starter.defaults.env[0].valueFrom.secretKeyRef.key: expected a non-empty value"),
                Arguments.of(
                        "defaults: {env: [{name: A, valueFrom: {vaultRef: {name: db}}}]}",
                        "plans.starter.defaults.env[0].valueFrom.vaultRef: unknown key (known: configMapKeyRef,"),
                Arguments.of(
                        "defaults: {envFrom: [{secretRef: {name: db, optinal: true}}]}",
                        "plans.starter.defaults.envFrom[0].secretRef.optinal: unknown key (known: name, optional)"),
                Arguments.of(
                        "defaults: {envFrom: [{secretRef: {name: db, optional: maybe}}]}",
                        "plans.starter.defaults.envFrom[0].secretRef.optional: expected true or false"),
                Arguments.of(
                        "defaults: {envFrom: [{prefix: DB_}]}",
                        "plans.starter.defaults.envFrom[0]: expected exactly one of configMapRef, secretRef"),
                Arguments.of(
                        "defaults: {envFrom: [{configMapRef: {name: Base_Config}}]}",
                        "plans.starter.defaults.envFrom[0].configMapRef.name: 'Base_Config' is not an object name"),
                Arguments.of(
                        "defaults: {envFrom: [{secretRef: {name: db}}, {secretRef: {name: db, optional: true}}]}",
                        "plans.starter.defaults.envFrom[1]: the same secretRef (name and prefix) is given twice"),
                Arguments.of(
                        "defaults: {imagePullSecrets: [registry-cred]}",
                        "plans.starter.defaults.imagePullSecrets[0]: expected a mapping"),
                Arguments.of(
                        "defaults: {imagePullSecrets: [{name: a}, {name: a}]}",
                        "plans.starter.defaults.imagePullSecrets[1].name: a is given twice"),
                Arguments.of(
                        "defaults: {resources: {requests: {memory: lots}}}",
                        "plans.starter.defaults.resources.requests.memory: 'lots' is not a quantity"),
                Arguments.of(
                        "defaults: {resources: {requets: {cpu: 1}}}",
                        "plans.starter.defaults.resources.requets: unknown key (known: limits, requests)"),
                Arguments.of(
                        "defaults: {seedResources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}",
                        "plans.starter.defaults.seedResources.requests.memory: 2Gi is more than its limit 1Gi"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badDefaults")
    void badDefaultsAreRefusedWithOneLineNamingTheKey(String defaults, String expected) {
        String yaml = "plans: {starter: {ttl: 5d, maxPreviews: 4, expiry: Delete, " + defaults + "}}";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageStartingWith(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .hasMessageEndingWith("nope.yaml: no such file");
    }
}
