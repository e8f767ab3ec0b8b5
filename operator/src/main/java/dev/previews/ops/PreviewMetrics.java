package dev.previews.ops;

import static dev.previews.api.Conditions.EXPIRING;
import static dev.previews.api.Conditions.READY;
import static dev.previews.api.Conditions.SEED_FAILED;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.SeedStatus;
import dev.previews.operator.PreviewObserver;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's own metrics, fed by the reconciler through {@link PreviewObserver} and, for the
 * gauge of previews by phase and plan, by the operator's cache of previews at scrape time (so that
 * it is right after a restart, when no status changes).
 *
 * <p>Prometheus names (Micrometer appends {@code _total} and {@code _seconds}):
 * <ul>
 *   <li>{@code preview_operator_previews{phase,plan}}: previews known to the operator;
 *   <li>{@code preview_operator_expiring_previews{plan}}: previews warned of their expiry (Expiring=True);
 *   <li>{@code preview_operator_seeds_total{result="succeeded|failed"}}: seed Jobs that finished;
 *   <li>{@code preview_operator_expiries_total{policy="Delete|Deprovision"}}: previews whose time ran out;
 *   <li>{@code preview_operator_limit_refusals_total{plan}}: previews that had to wait under the deployment limit;
 *   <li>{@code preview_operator_time_to_ready_seconds}: histogram from a preview's creation to its first Ready=True.
 * </ul>
 * Counters count transitions, once per transition: a reconcile that changes nothing counts nothing,
 * and a transition reported twice (a reconcile that ran on a cache not yet holding the previous
 * status) counts once: each is remembered by what identifies it (the seed Job, the expiry instant,
 * the wait until it ends) until the preview is deleted.
 */
public final class PreviewMetrics implements PreviewObserver {
    private static final Logger log = LoggerFactory.getLogger(PreviewMetrics.class);
    /** The plan tag of previews that have none (their namespace names an unknown plan, or not reconciled yet). */
    public static final String NO_PLAN = "none";

    static final Duration[] READY_BUCKETS = {
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(3)
    };

    private final MeterRegistry registry;
    private final List<String> plans;
    private final MultiGauge previews;
    private final MultiGauge expiring;
    private final Counter seedsSucceeded;
    private final Counter seedsFailed;
    private final Timer timeToReady;
    /** Previews (by uid) already observed Ready, so that only the first Ready=True counts. */
    private final Set<String> readyOnce = ConcurrentHashMap.newKeySet();
    /** The transitions already counted, by preview uid. */
    private final Map<String, Set<String>> counted = new ConcurrentHashMap<>();

    public PreviewMetrics(MeterRegistry registry, Collection<String> configuredPlans) {
        this.registry = registry;
        this.plans = List.copyOf(configuredPlans);
        this.previews = MultiGauge.builder("preview.operator.previews")
                .description("Previews known to the operator, by phase and plan")
                .register(registry);
        this.expiring = MultiGauge.builder("preview.operator.expiring.previews")
                .description("Previews warned of their expiry (condition Expiring=True), by plan")
                .register(registry);
        this.seedsSucceeded = seeds("succeeded");
        this.seedsFailed = seeds("failed");
        for (ExpiryPolicy policy : ExpiryPolicy.values()) {
            expiries(policy);
        }
        for (String plan : plans) {
            refusals(plan);
        }
        this.timeToReady = Timer.builder("preview.operator.time.to.ready")
                .description("Time from a preview's creationTimestamp to its first Ready=True")
                .serviceLevelObjectives(READY_BUCKETS)
                .register(registry);
        refresh(List.of());
    }

    private Counter seeds(String result) {
        return Counter.builder("preview.operator.seeds")
                .description("Seed Jobs that finished, by result")
                .tag("result", result)
                .register(registry);
    }

    private Counter expiries(ExpiryPolicy policy) {
        return Counter.builder("preview.operator.expiries")
                .description("Previews whose time ran out, by expiry policy")
                .tag("policy", policy.name())
                .register(registry);
    }

    private Counter refusals(String plan) {
        return Counter.builder("preview.operator.limit.refusals")
                .description("Previews that had to wait because their namespace reached the plan's maxPreviews")
                .tag("plan", plan)
                .register(registry);
    }

    // ---- PreviewObserver --------------------------------------------------------------------------

    @Override
    public void statusChanged(
            PreviewDeployment preview, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        try {
            countSeed(preview, before, after);
            countRefusal(preview, before, after);
            observeReady(preview, before, after);
        } catch (RuntimeException e) {
            log.warn("metrics: {}", e.toString());
        }
    }

    @Override
    public void expired(PreviewDeployment preview, ExpiryPolicy policy) {
        String expiresAt =
                preview.getStatus() == null ? null : preview.getStatus().getExpiresAt();
        if (firstTime(preview, "expiry@" + expiresAt)) {
            expiries(policy).increment();
        }
    }

    @Override
    public void deleted(PreviewDeployment preview) {
        if (preview.getMetadata().getUid() != null) {
            readyOnce.remove(preview.getMetadata().getUid());
            counted.remove(preview.getMetadata().getUid());
        }
    }

    /** Whether this transition of the preview is seen for the first time (then it is remembered). */
    private boolean firstTime(PreviewDeployment preview, String transition) {
        String uid = preview.getMetadata().getUid();
        return uid == null
                || counted.computeIfAbsent(uid, k -> ConcurrentHashMap.newKeySet())
                        .add(transition);
    }

    private void countSeed(PreviewDeployment preview, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        SeedStatus now = after.getSeed();
        if (now == null || now.getFinishedAt() == null) {
            return;
        }
        SeedStatus was = before == null ? null : before.getSeed();
        boolean alreadyFinished =
                was != null && was.getFinishedAt() != null && Objects.equals(was.getJobName(), now.getJobName());
        if (alreadyFinished || !firstTime(preview, "seed@" + now.getJobName())) {
            return;
        }
        (after.isTrue(SEED_FAILED) ? seedsFailed : seedsSucceeded).increment();
    }

    private void countRefusal(
            PreviewDeployment preview, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        if (after.getPhase() != Phase.LimitExceeded) {
            Set<String> seen = preview.getMetadata().getUid() == null
                    ? null
                    : counted.get(preview.getMetadata().getUid());
            if (seen != null) seen.remove("waiting");
            return;
        }
        if ((before == null || before.getPhase() != Phase.LimitExceeded) && firstTime(preview, "waiting")) {
            refusals(after.getPlan() == null ? NO_PLAN : after.getPlan()).increment();
        }
    }

    private void observeReady(
            PreviewDeployment preview, PreviewDeploymentStatus before, PreviewDeploymentStatus after) {
        if (!after.isTrue(READY) || (before != null && before.isTrue(READY))) {
            return;
        }
        String uid = preview.getMetadata().getUid();
        if (uid == null || !readyOnce.add(uid)) {
            return;
        }
        Instant created = Timestamps.parse(preview.getMetadata().getCreationTimestamp());
        Instant ready = after.condition(READY)
                .map(Condition::getLastTransitionTime)
                .map(Timestamps::parse)
                .orElse(null);
        if (created != null && ready != null) {
            Duration d = Duration.between(created, ready);
            timeToReady.record(d.isNegative() ? Duration.ZERO : d);
        }
    }

    // ---- the cache-backed gauge -------------------------------------------------------------------

    /**
     * Remembers which of these previews are Ready already (at start, from the operator's cache), so
     * that a later recreation does not count as a first Ready.
     */
    public void rememberReady(Collection<PreviewDeployment> known) {
        known.stream()
                .filter(p -> p.getStatus() != null
                        && p.getStatus().isTrue(READY)
                        && p.getMetadata().getUid() != null)
                .forEach(p -> readyOnce.add(p.getMetadata().getUid()));
    }

    /** Recomputes the gauge of previews by phase and plan from these previews (the operator's cache). */
    public synchronized void refresh(Collection<PreviewDeployment> known) {
        Map<List<String>, Integer> counts =
                new TreeMap<>((a, b) -> (a.get(0) + "\0" + a.get(1)).compareTo(b.get(0) + "\0" + b.get(1)));
        Set<String> planTags = new LinkedHashSet<>(plans);
        Map<String, Integer> warned = new TreeMap<>();
        planTags.forEach(plan -> warned.put(plan, 0));
        for (Phase phase : Phase.values()) {
            for (String plan : planTags) {
                counts.put(List.of(phase.name(), plan), 0);
            }
        }
        for (PreviewDeployment p : known) {
            PreviewDeploymentStatus s = p.getStatus();
            String phase = s == null || s.getPhase() == null
                    ? Phase.Pending.name()
                    : s.getPhase().name();
            String plan = s == null || s.getPlan() == null ? NO_PLAN : s.getPlan();
            counts.merge(List.of(phase, plan), 1, Integer::sum);
            if (s != null && s.isTrue(EXPIRING)) warned.merge(plan, 1, Integer::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>(counts.size());
        counts.forEach((key, n) -> rows.add(MultiGauge.Row.of(Tags.of("phase", key.get(0), "plan", key.get(1)), n)));
        previews.register(rows, true);
        expiring.register(
                warned.entrySet().stream()
                        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("plan", e.getKey()), e.getValue()))
                        .toList(),
                true);
    }
}
