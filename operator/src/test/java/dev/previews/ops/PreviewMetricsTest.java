package dev.previews.ops;

import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.policy.ConditionSet;
import dev.previews.policy.ExpiryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the project's metrics count when the reconciler reports the same transition twice (as it
 * does when a reconcile runs on a cache that does not hold its previous status yet): once.
 */
class PreviewMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final PreviewMetrics metrics = new PreviewMetrics(registry, List.of("starter"));
    final Instant now = Instant.parse("2026-11-02T09:00:00Z");

    PreviewDeployment created(String name) {
        PreviewDeployment p = preview("team-a", name, "feature/" + name);
        p.getMetadata().setUid(UUID.randomUUID().toString());
        p.getMetadata().setCreationTimestamp("2026-11-02T08:59:00Z");
        p.getMetadata().setGeneration(1L);
        return p;
    }

    PreviewDeploymentStatus status(Phase phase, String conditionType, String value) {
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        s.setPhase(phase);
        s.setPlan("starter");
        s.setExpiresAt("2026-11-07T09:00:00Z");
        s.setConditions(ConditionSet.put(s.getConditions(), conditionType, value, "Reason", "", 1L, now));
        return s;
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void aSeedThatFinishedIsCountedOnceEvenIfReportedTwice() {
        PreviewDeployment p = created("login");
        PreviewDeploymentStatus running = status(Phase.Seeding, "SeedFailed", "False");
        running.setSeed(new SeedStatus("login-seed-1", "2026-11-02T09:01:00Z", null, null));
        PreviewDeploymentStatus failed = status(Phase.SeedFailed, "SeedFailed", "True");
        failed.setSeed(new SeedStatus("login-seed-1", "2026-11-02T09:01:00Z", "2026-11-02T09:02:00Z", "boom"));
        metrics.statusChanged(p, running, failed);
        metrics.statusChanged(p, running, failed);
        assertThat(count("preview.operator.seeds", "result", "failed")).isEqualTo(1);
        assertThat(count("preview.operator.seeds", "result", "succeeded")).isZero();

        PreviewDeploymentStatus reseeded = status(Phase.Ready, "SeedFailed", "False");
        reseeded.setSeed(new SeedStatus("login-seed-2", "2026-11-02T10:00:00Z", "2026-11-02T10:01:00Z", "ok"));
        metrics.statusChanged(p, failed, reseeded);
        assertThat(count("preview.operator.seeds", "result", "succeeded")).isEqualTo(1);
    }

    @Test
    void anExpiryIsCountedOncePerExpiryInstant() {
        PreviewDeployment p = created("login");
        p.setStatus(status(Phase.Ready, "Ready", "True"));
        metrics.expired(p, ExpiryPolicy.Deprovision);
        metrics.expired(p, ExpiryPolicy.Deprovision);
        assertThat(count("preview.operator.expiries", "policy", "Deprovision")).isEqualTo(1);

        p.getStatus().setExpiresAt("2026-11-09T09:00:00Z"); // provisioned again for a new commit, expired again
        metrics.expired(p, ExpiryPolicy.Deprovision);
        assertThat(count("preview.operator.expiries", "policy", "Deprovision")).isEqualTo(2);
    }

    @Test
    void aWaitUnderTheLimitIsCountedOnceUntilItEnds() {
        PreviewDeployment p = created("cart");
        PreviewDeploymentStatus waiting = status(Phase.LimitExceeded, "Provisioned", "False");
        metrics.statusChanged(p, null, waiting);
        metrics.statusChanged(p, null, waiting);
        assertThat(count("preview.operator.limit.refusals", "plan", "starter")).isEqualTo(1);

        metrics.statusChanged(p, waiting, status(Phase.Provisioning, "Provisioned", "False"));
        metrics.statusChanged(p, status(Phase.Provisioning, "Provisioned", "False"), waiting);
        assertThat(count("preview.operator.limit.refusals", "plan", "starter")).isEqualTo(2);
    }

    @Test
    void timeToReadyIsObservedAtTheFirstReadyOnly() {
        PreviewDeployment p = created("login");
        PreviewDeploymentStatus provisioning = status(Phase.Provisioning, "Ready", "False");
        PreviewDeploymentStatus ready = status(Phase.Ready, "Ready", "True");
        metrics.statusChanged(p, provisioning, ready);
        metrics.statusChanged(p, provisioning, ready);
        var timer = registry.get("preview.operator.time.to.ready").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.SECONDS)).isEqualTo(60);

        metrics.deleted(p);
        PreviewDeployment again = created("login"); // a new preview of the same name: a new uid
        metrics.statusChanged(again, provisioning, ready);
        assertThat(timer.count()).isEqualTo(2);
    }

    @Test
    void previewsWarnedOfTheirExpiryAreCountedByPlan() {
        PreviewDeployment warned = created("warned");
        warned.setStatus(status(Phase.Ready, "Expiring", "True"));
        PreviewDeployment quiet = created("quiet");
        quiet.setStatus(status(Phase.Ready, "Expiring", "False"));

        metrics.refresh(List.of(warned, quiet));

        assertThat(registry.get("preview.operator.expiring.previews")
                        .tags("plan", "starter")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }
}
