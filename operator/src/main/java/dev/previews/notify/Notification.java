package dev.previews.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.spec.Timestamps;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One notification, built once when the transition happens: every attempt sends the same body
 * with the same id.
 *
 * <p>The body is Slack-compatible ({@code text}, one readable line) and carries the structured
 * fields for other receivers:
 *
 * <pre>
 * {"text": "...", "id": "...", "event": "SeedFailed", "time": "2026-11-02T09:00:00Z",
 *  "preview": {"name", "namespace", "branch", "commit", "url", "externalUrl", "expiresAt", "phase"},
 *  "message": "the Event's message"}
 * </pre>
 *
 * @param preview what the preview is now (after the transition; its last status when it was deleted)
 */
public record Notification(String id, String event, Instant time, Preview preview, String message, String text) {

    /** The id header: the same on every attempt, so a receiver can drop a delivery it has seen. */
    public static final String ID_HEADER = "X-Preview-Notification-Id";

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Preview(
            String name,
            String namespace,
            String branch,
            String commit,
            String url,
            String externalUrl,
            String expiresAt,
            String phase) {

        /** {@code namespace/name (branch @ short commit)}: how the text names the preview. */
        String title() {
            String shortCommit = commit == null ? "?" : commit.substring(0, Math.min(7, commit.length()));
            return namespace + "/" + name + " (" + branch + " @ " + shortCommit + ")";
        }
    }

    /**
     * @param after the status the transition leads to; null when the preview is being deleted
     *     (expiry under the Delete policy): its last status describes it then
     */
    static Notification of(
            PreviewDeployment preview, PreviewDeploymentStatus after, String reason, String message, Instant now) {
        PreviewDeploymentStatus before = preview.getStatus();
        PreviewDeploymentStatus status = after != null ? after : before;
        boolean deleted = after == null;
        String commit = status != null && status.getCommit() != null
                ? status.getCommit()
                : preview.getSpec() == null ? null : preview.getSpec().getCommit();
        // a preview deleted at expiry keeps the phase of its last status; what it is now is Expired
        String phase = deleted && "Expired".equals(reason)
                ? "Expired"
                : status == null || status.getPhase() == null
                        ? null
                        : status.getPhase().name();
        Preview p = new Preview(
                preview.getMetadata().getName(),
                preview.getMetadata().getNamespace(),
                preview.getSpec() == null ? null : preview.getSpec().getBranch(),
                commit,
                status == null ? null : status.getUrl(),
                status == null ? null : status.getExternalUrl(),
                status == null ? null : status.getExpiresAt(),
                phase);
        String id = TransitionId.of(preview, reason, before, after);
        String text = NotificationText.line(reason, p, message, deleted, now);
        return new Notification(id, reason, now, p, message, text);
    }

    /** The request body. */
    public String json() {
        ObjectNode body = JSON.createObjectNode();
        body.put("text", text);
        body.put("id", id);
        body.put("event", event);
        body.put("time", Timestamps.format(time));
        ObjectNode p = body.putObject("preview");
        p.put("name", preview.name());
        p.put("namespace", preview.namespace());
        p.put("branch", preview.branch());
        p.put("commit", preview.commit());
        p.put("url", preview.url());
        p.put("externalUrl", preview.externalUrl());
        p.put("expiresAt", preview.expiresAt());
        p.put("phase", preview.phase());
        body.put("message", message);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What logs say of it: never the body, which may carry a seed's output. */
    String describe() {
        return event + " of " + preview.namespace() + "/" + preview.name() + " (id " + id + ")";
    }
}
