package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.api.Rollover;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .hasMessageEndingWith("nope.yaml: no such file");
    }
}
