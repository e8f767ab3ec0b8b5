package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.sandbox.Sandbox;
import dev.previews.simulator.ManualClock;
import dev.previews.testing.Previews;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `extend` and `wake`, and `deploy` waking an asleep preview, against the sandbox on a manual clock. */
class ExtendAndWakeTest {
    static final Instant START = Instant.parse("2026-11-02T09:00:00Z");
    static final ManualClock clock = new ManualClock(START);
    static final OperatorConfig CONFIG = OperatorConfig.defaults()
            .withPlan(new Plan("starter", Duration.ofDays(2), 40, ExpiryPolicy.Deprovision)
                    .withMaxTtl(Duration.ofDays(4))
                    .withSleepAfter(Duration.ofHours(12)));

    @TempDir
    static Path tmp;

    static Sandbox sandbox;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(Sandbox.Options.defaults()
                .withConfig(CONFIG)
                .withClock(clock)
                .withSimulation(true, Duration.ofMillis(50)));
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static CliRunner.Result preview(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--kubeconfig", kubeconfig.toString(), "-n", "living"));
        if (!args[0].equals("status")) all.addAll(List.of("--poll-interval", "50ms", "--timeout", "30s"));
        return CliRunner.run(Map.of(), tmp, all.toArray(String[]::new));
    }

    static PreviewDeployment get(String name) {
        return sandbox.client()
                .resources(PreviewDeployment.class)
                .inNamespace("living")
                .withName(name)
                .get();
    }

    static void passTime(Duration d) {
        clock.advance(d);
        sandbox.operator().wakeUps().fireDue();
    }

    @Test
    void extendRaisesTheTtlUpToMaxTtl_wakeBringsAnAsleepPreviewBack_andDeployWakesItToo() {
        String[] deploy = {
            "deploy",
            "--branch",
            "feature/idle",
            "--commit",
            Previews.COMMIT_A,
            "--image",
            "registry.example.com/shop/api:{{shortCommit}}",
            "--seed-command",
            "/app/seed"
        };
        CliRunner.Result deployed = preview(deploy);
        assertThat(deployed.code()).as(deployed.toString()).isZero();
        String name = PreviewNaming.nameFor("feature/idle");
        Instant created = Instant.parse(get(name).getStatus().getCreatedAt());

        CliRunner.Result by = preview("extend", "--branch", "feature/idle", "--by", "1d");
        assertThat(by.code()).as(by.toString()).isZero();
        assertThat(by.out()).isEqualTo(created.plus(Duration.ofDays(3)) + "\n");
        assertThat(get(name).getSpec().getTtl()).isEqualTo("3d");

        CliRunner.Result to = preview("extend", name, "--to", "9d");
        assertThat(to.code()).as(to.toString()).isZero();
        assertThat(to.out()).isEqualTo(created.plus(Duration.ofDays(4)) + "\n");
        assertThat(to.err()).contains("capped: plan starter lets a preview live at most 4d");

        passTime(Duration.ofHours(13));
        await().atMost(Duration.ofSeconds(20)).until(() -> get(name).getStatus().getPhase() == Phase.Asleep);
        CliRunner.Result woken = preview("wake", "--branch", "feature/idle");
        assertThat(woken.code()).as(woken.toString()).isZero();
        assertThat(woken.out()).isEqualTo(get(name).getStatus().getUrl() + "\n");
        assertThat(seedJobs(name)).as("no seed again").isEqualTo(1);

        passTime(Duration.ofHours(13));
        await().atMost(Duration.ofSeconds(20)).until(() -> get(name).getStatus().getPhase() == Phase.Asleep);
        CliRunner.Result again = preview(deploy);
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.err()).contains("is asleep; waking it");
        assertThat(get(name).getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(seedJobs(name)).isEqualTo(1);
    }

    @Test
    void anExpiredPreviewCannotBeExtended_butWakingProvisionsItAgain() {
        String[] deploy = {
            "deploy",
            "--branch",
            "feature/old",
            "--commit",
            Previews.COMMIT_A,
            "--image",
            "registry.example.com/shop/api:{{shortCommit}}"
        };
        assertThat(preview(deploy).code()).isZero();
        String name = PreviewNaming.nameFor("feature/old");
        String uid = get(name).getMetadata().getUid();
        passTime(Duration.ofDays(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> get(name).getStatus().getPhase() == Phase.Expired);

        CliRunner.Result extend = preview("extend", name, "--by", "1d");
        assertThat(extend.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(extend.err()).contains("it expired; wake it (preview wake " + name + ")");

        CliRunner.Result woken = preview("wake", name);
        assertThat(woken.code()).as(woken.toString()).isZero();
        PreviewDeployment back = get(name);
        assertThat(back.getMetadata().getUid()).isEqualTo(uid);
        assertThat(Instant.parse(back.getStatus().getCreatedAt())).isEqualTo(clock.instant());
    }

    static int seedJobs(String name) {
        return sandbox.client()
                .batch()
                .v1()
                .jobs()
                .inNamespace("living")
                .withLabel("app.kubernetes.io/instance", name)
                .list()
                .getItems()
                .size();
    }
}
