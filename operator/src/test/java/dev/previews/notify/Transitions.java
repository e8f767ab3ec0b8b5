package dev.previews.notify;

import static dev.previews.testing.Previews.COMMIT_A;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;

/** Previews and statuses before and after the transitions webhooks are told of, for the notifier's tests. */
final class Transitions {
    private Transitions() {}

    static final String EXPIRES_AT = "2026-11-07T09:00:00Z";

    /** A Ready preview of team-a (or another namespace), provisioned at 09:01. */
    static PreviewDeployment ready(String namespace, String name) {
        PreviewDeployment p = Previews.preview(namespace, name, "feature/" + name);
        p.getMetadata().setUid("uid-" + namespace + "-" + name);
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        s.setPhase(Phase.Ready);
        s.setCommit(COMMIT_A);
        s.setUrl("http://" + name + "." + namespace + ".svc.cluster.local");
        s.setExternalUrl("https://" + name + ".previews.example.com");
        s.setExpiresAt(EXPIRES_AT);
        s.setConditions(new ArrayList<>(List.of(
                condition("Provisioned", "True", "Available", "2026-11-02T09:01:00Z"),
                condition("Ready", "True", "Ready", "2026-11-02T09:02:00Z"))));
        p.setStatus(s);
        return p;
    }

    static Condition condition(String type, String status, String reason, String at) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withLastTransitionTime(at)
                .build();
    }

    /** The status after a transition made at {@code at}: phase and a condition that moved then. */
    static PreviewDeploymentStatus after(PreviewDeployment p, Phase phase, Condition moved) {
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        PreviewDeploymentStatus b = p.getStatus();
        s.setPhase(phase);
        s.setCommit(b.getCommit());
        s.setUrl(b.getUrl());
        s.setExternalUrl(b.getExternalUrl());
        s.setExpiresAt(b.getExpiresAt());
        List<Condition> conditions = new ArrayList<>(b.getConditions());
        conditions.removeIf(c -> c.getType().equals(moved.getType()));
        conditions.add(moved);
        s.setConditions(conditions);
        return s;
    }

    static PreviewDeploymentStatus seedFailed(PreviewDeployment p, String job, String at) {
        PreviewDeploymentStatus s =
                after(p, Phase.SeedFailed, condition("SeedFailed", "True", "BackoffLimitExceeded", at));
        SeedStatus seed = new SeedStatus();
        seed.setJobName(job);
        seed.setFinishedAt(at);
        s.setSeed(seed);
        return s;
    }

    static PreviewDeploymentStatus expiring(PreviewDeployment p, String at) {
        return after(p, Phase.Ready, condition("Expiring", "True", "ExpiresSoon", at));
    }

    static PreviewDeploymentStatus asleep(PreviewDeployment p, String at) {
        return after(p, Phase.Asleep, condition("Provisioned", "False", "Asleep", at));
    }
}
