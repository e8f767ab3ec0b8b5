package dev.previews.lifecycle;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.Expiry;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.Plan;
import dev.previews.spec.Durations;
import dev.previews.spec.PreviewNames;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The time line of a preview's current deployment: when it was created, when it expires and what
 * expiry then does. A deployment exists from the creation of its Deployment until it expires; the
 * status records both instants. createdAt is the earliest of what the status and the Deployment's
 * annotation say (the annotation survives a lost status write): an edit or deletion of a child cannot
 * make a preview live longer. Pure function.
 *
 * @param createdAt null when no deployment exists
 * @param expiresAt null when no deployment exists
 * @param live a deployment exists and has not expired
 */
record Timeline(Instant createdAt, Instant expiresAt, ExpiryPolicy policy, Expiry.Ttl ttl, boolean live) {

    static Timeline of(Observed o) {
        PreviewDeployment preview = o.preview();
        PreviewDeploymentStatus current =
                preview.getStatus() == null ? new PreviewDeploymentStatus() : preview.getStatus();
        Instant created = created(current, o.children(), preview.getSpec().getCommit());
        boolean live = created != null && current.getPhase() != Phase.Expired;
        Optional<Plan> plan = o.plan().plan();
        if (plan.isPresent()) {
            Expiry.Ttl ttl = Expiry.ttl(plan.get(), requested(preview));
            Instant expires = created == null ? null : Expiry.expiresAt(created, ttl);
            return new Timeline(created, expires, plan.get().expiry(), ttl, live);
        }
        // an unknown plan: the last expiry computed under a known one, and what that plan's expiry did
        Plan fallback = o.config().plan(o.config().defaultPlan()).orElseThrow();
        Instant expires = parse(current.getExpiresAt());
        if (expires == null && created != null) {
            expires = created.plus(fallback.ttl());
        }
        ExpiryPolicy policy =
                current.getExpiryPolicy() == null ? fallback.expiry() : ExpiryPolicy.valueOf(current.getExpiryPolicy());
        return new Timeline(created, expires, policy, null, live);
    }

    /** Whether the deployment's time has run out at {@code now}. */
    boolean due(Instant now) {
        return live && Expiry.isDue(expiresAt, now);
    }

    /** The same time line for a deployment created at {@code at}. */
    Timeline startingAt(Instant at) {
        return new Timeline(at, ttl == null ? null : Expiry.expiresAt(at, ttl), policy, ttl, true);
    }

    /**
     * The earliest of the status's createdAt and that of the serving commit's Deployment; but a
     * Deployment of the spec's commit that the status does not know yet (its status write was lost)
     * has the only createdAt there is. A BlueGreen rollover's incoming Deployment carries none until
     * the switch.
     */
    private static Instant created(PreviewDeploymentStatus current, Observed.Children children, String specCommit) {
        Instant fromStatus = parse(current.getCreatedAt());
        Instant ofSpec = annotated(children.deployment(specCommit));
        if (ofSpec != null && !specCommit.equals(current.getCommit())) {
            return ofSpec;
        }
        return earliest(fromStatus, annotated(children.deployment(current.getCommit())));
    }

    /** The createdAt a Deployment carries, when it parses (a malformed one is ignored). */
    static Instant annotated(Deployment deployment) {
        if (deployment == null) return null;
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return annotations == null ? null : parse(annotations.get(PreviewNames.ANNOTATION_CREATED_AT));
    }

    private static Duration requested(PreviewDeployment preview) {
        String ttl = preview.getSpec() == null ? null : preview.getSpec().getTtl();
        if (ttl == null) return null;
        try {
            return Durations.parse(ttl);
        } catch (IllegalArgumentException e) {
            return null; // SpecCheck reports it; the plan's TTL holds meanwhile
        }
    }

    static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) return null;
        try {
            return Timestamps.parse(timestamp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The later of two instants (either may be null). */
    static Instant latest(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isBefore(b) ? a : b;
    }
}
