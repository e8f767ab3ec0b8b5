package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.policy.NotificationConfig.Webhook;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configuration's notifications section: webhooks whose URLs come from the environment or a file. */
class NotificationsConfigTest {
    static final String SECRET = "https://hooks.slack.example/services/T000/B000/s3cr3t";

    /** The environment of these tests: variables from the map, files from the file system. */
    static SecretSource secrets(Map<String, String> env) {
        return new SecretSource() {
            @Override
            public String env(String name) {
                return env.get(name);
            }

            @Override
            public String file(Path path) throws IOException {
                return Files.readString(path);
            }
        };
    }

    @Test
    void withoutTheSectionNobodyIsNotified() throws Exception {
        assertThat(ConfigLoader.parse("").notifications()).isEqualTo(NotificationConfig.none());
        assertThat(ConfigLoader.parse("notifications: {webhooks: []}").notifications())
                .isEqualTo(NotificationConfig.none());
        assertThat(OperatorConfig.defaults().notifications().webhooks()).isEmpty();
    }

    @Test
    void readsWebhooksWithTheirUrlsFromTheEnvironmentAndFiles(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ops"), "http://alerts.internal:8080/hook\n");
        OperatorConfig config = ConfigLoader.parse("""
                notifications:
                  webhooks:
                    - name: team-slack
                      urlFrom: {env: SLACK_WEBHOOK_URL}
                    - name: ops
                      urlFrom: {file: %s}
                      events: [Expired, SeedFailed]
                      namespaces: [team-a, team-b]
                """.formatted(file), secrets(Map.of("SLACK_WEBHOOK_URL", SECRET)));
        assertThat(config.notifications().webhooks())
                .containsExactly(
                        new Webhook(
                                "team-slack",
                                URI.create(SECRET),
                                "environment variable SLACK_WEBHOOK_URL",
                                NotificationConfig.EVENTS.stream().collect(Collectors.toSet()),
                                Set.of()),
                        new Webhook(
                                "ops",
                                URI.create("http://alerts.internal:8080/hook"),
                                "file " + file,
                                Set.of("Expired", "SeedFailed"),
                                Set.of("team-a", "team-b")));
        Webhook ops = config.notifications().webhooks().get(1);
        assertThat(ops.selects("SeedFailed", "team-a")).isTrue();
        assertThat(ops.selects("SeedFailed", "team-c")).isFalse();
        assertThat(ops.selects("ExpiresSoon", "team-a")).isFalse();
        assertThat(config.notifications().webhooks().get(0).selects("Awake", "anywhere"))
                .isTrue();
        assertThat(config.notifications().webhooks().toString())
                .as("the URL is a secret")
                .doesNotContain("s3cr3t")
                .doesNotContain("alerts.internal");
        assertThat(config.plans()).isEqualTo(OperatorConfig.defaults().plans());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "section not a mapping | 'notifications: [a]' | notifications: expected a mapping",
                "unknown section key   | 'notifications: {hooks: []}' | notifications.hooks: unknown key (known: webhooks)",
                "webhooks not a list   | 'notifications: {webhooks: {name: a}}' | notifications.webhooks: expected a list of webhooks",
                "url in the file       | 'notifications: {webhooks: [{name: a, url: \"https://x\"}]}' | notifications.webhooks[0].url: a webhook's URL is a secret and stays out of the configuration",
                "unknown webhook key   | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL}, retries: 3}]}' | notifications.webhooks[0].retries: unknown key (known: events, name, namespaces, urlFrom)",
                "no name               | 'notifications: {webhooks: [{urlFrom: {env: URL}}]}' | notifications.webhooks[0].name: missing",
                "bad name              | 'notifications: {webhooks: [{name: Team Slack, urlFrom: {env: URL}}]}' | notifications.webhooks[0].name: 'Team Slack' is not a valid name",
                "duplicate name        | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL}}, {name: a, urlFrom: {env: URL}}]}' | notifications.webhooks[1].name: 'a' is the name of webhooks[0] already",
                "no urlFrom            | 'notifications: {webhooks: [{name: a}]}' | notifications.webhooks[0].urlFrom: missing",
                "both env and file     | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL, file: /f}}]}' | notifications.webhooks[0].urlFrom: give exactly one of env or file",
                "neither env nor file  | 'notifications: {webhooks: [{name: a, urlFrom: {}}]}' | notifications.webhooks[0].urlFrom: give exactly one of env or file",
                "a Helm secretKeyRef   | 'notifications: {webhooks: [{name: a, urlFrom: {secretKeyRef: {name: s, key: k}}}]}' | notifications.webhooks[0].urlFrom.secretKeyRef: unknown key (known: env, file)",
                "unset variable        | 'notifications: {webhooks: [{name: a, urlFrom: {env: NOT_SET}}]}' | notifications.webhooks[0].urlFrom.env: environment variable NOT_SET is not set",
                "empty variable        | 'notifications: {webhooks: [{name: a, urlFrom: {env: EMPTY}}]}' | notifications.webhooks[0].urlFrom.env: environment variable EMPTY is empty",
                "not http              | 'notifications: {webhooks: [{name: a, urlFrom: {env: FTP}}]}' | notifications.webhooks[0].urlFrom.env: environment variable FTP does not hold an http:// or https:// URL (its value is not shown: it is a secret)",
                "not a URL             | 'notifications: {webhooks: [{name: a, urlFrom: {env: JUNK}}]}' | notifications.webhooks[0].urlFrom.env: environment variable JUNK does not hold an http:// or https:// URL",
                "missing file          | 'notifications: {webhooks: [{name: a, urlFrom: {file: /no/such/webhook}}]}' | notifications.webhooks[0].urlFrom.file: /no/such/webhook: no such file",
                "unknown event         | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL}, events: [Expired, Expiring]}]}' | notifications.webhooks[0].events: 'Expiring' is not one of ExpiresSoon, Expired, SeedFailed, Asleep, Awake",
                "no events             | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL}, events: []}]}' | notifications.webhooks[0].events: empty; leave the key out for all events",
                "namespaces not a list | 'notifications: {webhooks: [{name: a, urlFrom: {env: URL}, namespaces: team-a}]}' | notifications.webhooks[0].namespaces: expected a list of namespace names"
            })
    void badSectionsAreRefusedWithOneLineNamingTheKeyAndNeverTheUrl(String what, String yaml, String expected) {
        SecretSource env = secrets(
                Map.of("URL", SECRET, "EMPTY", " \n", "FTP", "ftp://files.example/s3cr3t", "JUNK", "http://[s3cr3t"));
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, env))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .doesNotContain("Exception")
                        .doesNotContain("s3cr3t"));
    }

    @Test
    void anUnreadableFileIsNamedWithoutItsContent(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("hook"), "gopher://s3cr3t\n");
        String yaml = "notifications: {webhooks: [{name: a, urlFrom: {file: " + file + "}}]}";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, secrets(Map.of())))
                .hasMessage("notifications.webhooks[0].urlFrom.file: file " + file
                        + " does not hold an http:// or https:// URL (its value is not shown: it is a secret)");
        SecretSource unreadable = new SecretSource() {
            @Override
            public String env(String name) {
                return null;
            }

            @Override
            public String file(Path path) throws IOException {
                throw new AccessDeniedException(path.toString());
            }
        };
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, unreadable))
                .hasMessage(
                        "notifications.webhooks[0].urlFrom.file: " + file + ": cannot be read (AccessDeniedException)");
        SecretSource gone = new SecretSource() {
            @Override
            public String env(String name) {
                return null;
            }

            @Override
            public String file(Path path) throws IOException {
                throw new NoSuchFileException(path.toString());
            }
        };
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, gone)).hasMessageEndingWith(file + ": no such file");
    }

    @Test
    void retriesDoubleWithJitterWithinTheCap() {
        NotificationConfig.Delivery d = NotificationConfig.Delivery.defaults();
        assertThat(d.retryDelay(1, 0.0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.retryDelay(1, 0.999)).isBetween(Duration.ofMillis(3990), Duration.ofSeconds(4));
        assertThat(d.retryDelay(2, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(d.retryDelay(4, 0.999)).isBetween(Duration.ofSeconds(31), Duration.ofSeconds(32));
        assertThat(d.retryDelay(30, 0.999)).isLessThanOrEqualTo(d.maxRetryDelay());
        // the four pauses of five attempts: half a minute to a minute in all
        Duration least = Duration.ZERO;
        Duration most = Duration.ZERO;
        for (int failed = 1; failed < d.maxAttempts(); failed++) {
            least = least.plus(d.retryDelay(failed, 0.0));
            most = most.plus(d.retryDelay(failed, 0.999));
        }
        assertThat(least).isEqualTo(Duration.ofSeconds(30));
        assertThat(most).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    }
}
