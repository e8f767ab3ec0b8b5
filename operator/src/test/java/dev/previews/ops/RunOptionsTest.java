package dev.previews.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options `run` adds for the process, as a Deployment passes them. */
class RunOptionsTest {
    static ProcessOptions parse(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run.processOptions();
    }

    @Test
    void defaultsAreTheManagementPort8081AndNoLeaderElection() {
        ProcessOptions o = parse();
        assertThat(o.managementPort())
                .isEqualTo(
                        System.getenv("MANAGEMENT_PORT") == null
                                ? 8081
                                : Integer.parseInt(System.getenv("MANAGEMENT_PORT")));
        assertThat(o.leaderElection()).isFalse();
    }

    @Test
    void leaderElectionTakesTheLeaseNameAndNamespace() {
        ProcessOptions o = parse(
                "--leader-election",
                "--lease-name",
                "previews-lock",
                "--lease-namespace",
                "ops",
                "--management-port",
                "9090");
        assertThat(o.leaderElection()).isTrue();
        assertThat(o.leaseName()).isEqualTo("previews-lock");
        assertThat(o.leaseNamespace()).isEqualTo("ops");
        assertThat(o.managementPort()).isEqualTo(9090);
        assertThat(parse("--no-leader-election").leaderElection()).isFalse();
        assertThat(parse("--leader-election").leaseName()).isEqualTo("preview-operator");
    }

    @Test
    void leaseTimingsDefaultToAFailoverWithinTheLeasePlusTwoSecondsAndCanBeSet() {
        assertThat(parse("--leader-election").leaseTimings()).isEqualTo(LeaseTimings.DEFAULTS);
        assertThat(parse(
                                "--leader-election",
                                "--lease-duration",
                                "30s",
                                "--renew-deadline",
                                "20s",
                                "--retry-period",
                                "2s")
                        .leaseTimings())
                .isEqualTo(new LeaseTimings(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2)));
    }

    @Test
    void logFormatIsPlainOrJson() {
        assertThatThrownBy(() -> parse("--log-format", "xml"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("plain, json");
    }
}
