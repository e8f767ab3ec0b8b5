package dev.previews.notify;

import static dev.previews.api.Conditions.PROVISIONED;
import static dev.previews.api.Conditions.READY;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stable id of a transition (DESIGN.md, "Notifications carry a stable id per transition"): a
 * hash of the preview's uid, the Event's reason and what identifies this occurrence of it, taken
 * from what a second computation of the same transition sees alike. A status write that failed
 * makes the next reconcile compute the transition again, at another time: its clock-stamped
 * {@code lastTransitionTime}s differ, but the status it starts from and the instants it copies do
 * not. So the id is the same in both, in this process and the next (receivers may deduplicate by it
 * across operator restarts too), and differs for the next occurrence:
 *
 * <ul>
 *   <li>{@code ExpiresSoon}: the {@code expiresAt} warned of, and when the previous status's
 *       {@code Expiring} condition last moved (a TTL changed back and forth warns again);
 *   <li>{@code Expired}: the {@code expiresAt} that ran out (one per deployment);
 *   <li>{@code SeedFailed}: the seed Job (one per seed run);
 *   <li>{@code Asleep}, {@code Awake} and any other: when the previous status's {@code Provisioned}
 *       and {@code Ready} conditions last moved (each sleep follows a time awake, each wake a sleep).
 * </ul>
 */
final class TransitionId {
    private TransitionId() {}

    static final String EXPIRING = "Expiring";

    /**
     * @param before the status the transition starts from (null for a new preview)
     * @param after the status it leads to (null when the preview is deleted)
     */
    static String of(
            PreviewDeployment preview, String reason, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        String uid = preview.getMetadata().getUid() != null
                ? preview.getMetadata().getUid()
                : preview.getMetadata().getNamespace() + "/"
                        + preview.getMetadata().getName();
        return hash(uid + "\n" + reason + "\n" + occurrence(reason, before, after));
    }

    static String occurrence(String reason, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        PreviewDeploymentStatus now = after != null ? after : before;
        return switch (reason) {
            case "ExpiresSoon" -> "expiresAt=" + expiresAt(now) + ";expiringSince=" + movedAt(before, EXPIRING);
            case "Expired" -> "expiresAt=" + (expiresAt(before) != null ? expiresAt(before) : expiresAt(after));
            case "SeedFailed" ->
                now != null && now.getSeed() != null && now.getSeed().getJobName() != null
                        ? "seedJob=" + now.getSeed().getJobName()
                        : "since=" + movedAt(before, PROVISIONED) + ";" + movedAt(before, READY);
            default -> "provisionedSince=" + movedAt(before, PROVISIONED) + ";readySince=" + movedAt(before, READY);
        };
    }

    private static String expiresAt(PreviewDeploymentStatus status) {
        return status == null ? null : status.getExpiresAt();
    }

    private static String movedAt(PreviewDeploymentStatus status, String type) {
        return status == null
                ? "none"
                : status.condition(type).map(Condition::getLastTransitionTime).orElse("none");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
