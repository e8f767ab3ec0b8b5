package dev.previews.notify;

import static dev.previews.notify.Transitions.after;
import static dev.previews.notify.Transitions.asleep;
import static dev.previews.notify.Transitions.condition;
import static dev.previews.notify.Transitions.expiring;
import static dev.previews.notify.Transitions.ready;
import static dev.previews.notify.Transitions.seedFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a notification says, and its id: the same for a transition computed twice, new for the next one. */
class NotificationTest {
    static final Instant NOW = Instant.parse("2026-11-06T08:30:00Z");

    @Test
    void theBodyIsSlackTextPlusTheStructuredFields() throws Exception {
        PreviewDeployment p = ready("team-a", "feature-login");
        Notification n = Notification.of(
                p,
                seedFailed(p, "feature-login-seed-a1b2c3d-08e978", "2026-11-02T09:03:00Z"),
                "SeedFailed",
                "seed Job feature-login-seed-a1b2c3d-08e978 failed (BackoffLimitExceeded): ERROR: relation \"orders\""
                        + " does not exist\nmigrating table 1\nmigrating table 2",
                NOW);
        JsonNode body = new ObjectMapper().readTree(n.json());
        List<String> keys = names(body);
        assertThat(keys).containsExactly("text", "id", "event", "time", "preview", "message");
        assertThat(names(body.get("preview")))
                .containsExactly("name", "namespace", "branch", "commit", "url", "externalUrl", "expiresAt", "phase");
        assertThat(body.get("text").asText())
                .isEqualTo("Seed of preview team-a/feature-login (feature/feature-login @ a1b2c3d) failed: seed Job"
                        + " feature-login-seed-a1b2c3d-08e978 failed (BackoffLimitExceeded): ERROR: relation \"orders\""
                        + " does not exist; the backend stays up at http://feature-login.team-a.svc.cluster.local");
        assertThat(body.get("id").asText()).isEqualTo(n.id()).hasSize(32).matches("[0-9a-f]+");
        assertThat(body.get("event").asText()).isEqualTo("SeedFailed");
        assertThat(body.get("time").asText()).isEqualTo("2026-11-06T08:30:00Z");
        JsonNode preview = body.get("preview");
        assertThat(preview.get("name").asText()).isEqualTo("feature-login");
        assertThat(preview.get("namespace").asText()).isEqualTo("team-a");
        assertThat(preview.get("branch").asText()).isEqualTo("feature/feature-login");
        assertThat(preview.get("commit").asText()).isEqualTo(p.getSpec().getCommit());
        assertThat(preview.get("url").asText()).isEqualTo("http://feature-login.team-a.svc.cluster.local");
        assertThat(preview.get("externalUrl").asText()).isEqualTo("https://feature-login.previews.example.com");
        assertThat(preview.get("expiresAt").asText()).isEqualTo(Transitions.EXPIRES_AT);
        assertThat(preview.get("phase").asText()).isEqualTo("SeedFailed");
        assertThat(body.get("message").asText()).endsWith("migrating table 2");
    }

    @Test
    void eachEventIsOneReadableLineSayingWhatToDo() {
        PreviewDeployment p = ready("team-a", "feature-login");
        String title = "team-a/feature-login (feature/feature-login @ a1b2c3d)";
        assertThat(text(p, expiring(p, "2026-11-06T08:30:00Z"), "ExpiresSoon", "expires in 1d"))
                .isEqualTo("Preview " + title + " expires at 2026-11-07T09:00:00Z, in 1d30m: extend it with"
                        + " `preview extend feature-login -n team-a --by 1d`");
        assertThat(text(p, null, "Expired", "the preview's time ran out at ...; deleting the preview"))
                .isEqualTo("Preview " + title + " expired at 2026-11-07T09:00:00Z and was deleted");
        PreviewDeploymentStatus deprovisioned =
                after(p, Phase.Expired, condition("Provisioned", "False", "Expired", "t"));
        deprovisioned.setUrl(null);
        assertThat(text(p, deprovisioned, "Expired", "..."))
                .isEqualTo("Preview " + title + " expired at 2026-11-07T09:00:00Z: its workloads were deleted; push a"
                        + " new commit to provision it again");
        assertThat(text(p, asleep(p, "2026-11-03T09:00:00Z"), "Asleep", "scaled to zero"))
                .isEqualTo("Preview " + title + " is asleep (scaled to zero); wake it with"
                        + " `preview wake feature-login -n team-a`");
        assertThat(text(p, after(p, Phase.Ready, condition("Provisioned", "True", "Available", "t")), "Awake", "."))
                .isEqualTo("Preview " + title + " is awake at http://feature-login.team-a.svc.cluster.local");
        String longOutput = "x".repeat(500) + "\nsecond line";
        assertThat(text(p, seedFailed(p, "job", "t"), "SeedFailed", longOutput))
                .contains("failed: " + "x".repeat(NotificationText.MESSAGE_IN_TEXT - 3) + "...;")
                .doesNotContain("second line");
    }

    @Test
    void aPreviewDeletedAtExpiryIsDescribedByItsLastStatusAsExpired() {
        PreviewDeployment p = ready("team-a", "old");
        Notification n = Notification.of(p, null, "Expired", "deleting the preview", NOW);
        assertThat(n.preview().phase()).isEqualTo("Expired");
        assertThat(n.preview().url()).isEqualTo("http://old.team-a.svc.cluster.local");
        assertThat(n.preview().expiresAt()).isEqualTo(Transitions.EXPIRES_AT);
    }

    @Test
    void aTransitionComputedAgainLaterHasTheSameIdAndTheNextOccurrenceAnother() {
        PreviewDeployment p = ready("team-a", "login");
        // the same transition from the same status, computed at another time (a status write failed)
        assertThat(id(p, seedFailed(p, "login-seed-1", "2026-11-02T09:03:00Z"), "SeedFailed"))
                .isEqualTo(id(p, seedFailed(p, "login-seed-1", "2026-11-02T09:04:10Z"), "SeedFailed"))
                .isNotEqualTo(id(p, seedFailed(p, "login-seed-2", "2026-11-02T09:03:00Z"), "SeedFailed"));
        assertThat(id(p, expiring(p, "2026-11-06T09:00:00Z"), "ExpiresSoon"))
                .isEqualTo(id(p, expiring(p, "2026-11-06T09:00:05Z"), "ExpiresSoon"));
        PreviewDeploymentStatus extended = expiring(p, "2026-11-08T09:00:00Z");
        extended.setExpiresAt("2026-11-09T09:00:00Z");
        assertThat(id(p, extended, "ExpiresSoon"))
                .isNotEqualTo(id(p, expiring(p, "2026-11-06T09:00:00Z"), "ExpiresSoon"));
        assertThat(id(p, asleep(p, "2026-11-03T09:00:00Z"), "Asleep"))
                .isEqualTo(id(p, asleep(p, "2026-11-03T09:00:07Z"), "Asleep"));
        // Expired under Delete (no status after) and Deprovision: one per deployment, by its expiresAt
        assertThat(id(p, null, "Expired"))
                .isEqualTo(
                        id(p, after(p, Phase.Expired, condition("Provisioned", "False", "Expired", "t")), "Expired"));

        // the next sleep follows another time awake; the wake from it another sleep
        PreviewDeployment sleeping = ready("team-a", "login");
        sleeping.setStatus(asleep(p, "2026-11-03T09:00:00Z"));
        PreviewDeployment awakeAgain = ready("team-a", "login");
        awakeAgain.getStatus().getConditions().get(0).setLastTransitionTime("2026-11-03T10:00:00Z");
        assertThat(id(awakeAgain, asleep(awakeAgain, "2026-11-04T09:00:00Z"), "Asleep"))
                .isNotEqualTo(id(p, asleep(p, "2026-11-03T09:00:00Z"), "Asleep"));
        PreviewDeploymentStatus woken =
                after(sleeping, Phase.Ready, condition("Provisioned", "True", "Available", "x"));
        assertThat(id(sleeping, woken, "Awake")).isNotEqualTo(id(p, woken, "Awake"));
        // another preview, another reason: another id
        assertThat(id(ready("team-b", "login"), null, "Expired")).isNotEqualTo(id(p, null, "Expired"));
        assertThat(id(p, asleep(p, "t"), "Awake")).isNotEqualTo(id(p, asleep(p, "t"), "Asleep"));
    }

    private static String id(PreviewDeployment p, PreviewDeploymentStatus after, String reason) {
        return Notification.of(p, after, reason, "message", NOW).id();
    }

    private static String text(PreviewDeployment p, PreviewDeploymentStatus after, String reason, String message) {
        return Notification.of(p, after, reason, message, NOW).text();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }
}
