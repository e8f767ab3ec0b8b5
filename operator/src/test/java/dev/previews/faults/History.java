package dev.previews.faults;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tier's namespaces replayed event by event in the order of etcd's revisions (every object's
 * resourceVersion is one, across kinds), with the invariants checked after each event: so "at any
 * instant" means at every revision the watches showed, whatever order the watch streams delivered
 * their events in. Not thread-safe: {@link Invariants} feeds it from one thread.
 */
final class History {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** One watch event. {@code unknownFinalState}: a deletion the informer inferred from a relist. */
    record Event(
            HasMetadata object,
            boolean deleted,
            long revision,
            Instant received,
            boolean unknownFinalState,
            boolean relisted) {}

    private record PreviewView(
            String uid,
            String branch,
            String commit,
            String ttl,
            boolean deleting,
            Phase phase,
            String statusCommit,
            String createdAt,
            String expiresAt,
            String seedVariant) {}

    private record DeploymentView(String owner, boolean deleting) {}

    private final Map<String, Integer> limits;
    private final Map<String, Map<String, PreviewView>> previews = new HashMap<>();
    private final Map<String, Map<String, DeploymentView>> deployments = new HashMap<>();
    private final Set<String> jobsSeen = new HashSet<>();
    private final Map<String, String> jobByFingerprint = new HashMap<>();
    private final Map<String, String> createdAt = new HashMap<>();
    private final Map<String, String> expiresAt = new HashMap<>();
    private final Map<String, Set<String>> seedVariants = new HashMap<>();
    private final Map<String, Set<String>> fingerprints = new HashMap<>();
    private final Set<String> overLimit = new HashSet<>();
    private final Set<String> sharedBranches = new HashSet<>();
    private final Map<String, Integer> peakAdmitted = new TreeMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private long events;
    private long relisted;
    private long seedJobs;

    /** @param limits each namespace's maxPreviews; events of other namespaces are ignored */
    History(Map<String, Integer> limits) {
        this.limits = limits;
    }

    void apply(Event e) {
        String ns = e.object().getMetadata().getNamespace();
        if (!limits.containsKey(ns)) return;
        events++;
        if (e.object() instanceof PreviewDeployment p) {
            preview(ns, p, e);
        } else if (e.object() instanceof Deployment d) {
            deployment(ns, d, e);
        } else if (e.object() instanceof Job j && !e.deleted()) {
            job(ns, j, e);
        }
        if (e.relisted()) {
            relisted++;
        } else {
            admissions(ns, e);
        }
    }

    private void preview(String ns, PreviewDeployment p, Event e) {
        Map<String, PreviewView> inNs = previews.computeIfAbsent(ns, k -> new HashMap<>());
        String name = p.getMetadata().getName();
        if (e.deleted()) {
            inNs.remove(name);
            return;
        }
        var s = p.getStatus();
        String reseed = p.getMetadata().getAnnotations() == null
                ? ""
                : p.getMetadata().getAnnotations().getOrDefault(PreviewDeployment.RESEED_ANNOTATION, "");
        PreviewView v = new PreviewView(
                p.getMetadata().getUid(),
                p.getSpec().getBranch(),
                p.getSpec().getCommit(),
                p.getSpec().getTtl(),
                p.getMetadata().getDeletionTimestamp() != null,
                s == null ? null : s.getPhase(),
                s == null ? null : s.getCommit(),
                s == null ? null : s.getCreatedAt(),
                s == null ? null : s.getExpiresAt(),
                JSON.asJson(p.getSpec().getSeed()) + "|" + reseed);
        inNs.put(name, v);
        seedVariants
                .computeIfAbsent(v.uid() + "/" + v.commit(), k -> new HashSet<>())
                .add(v.seedVariant());
        if (v.statusCommit() != null && v.createdAt() != null) {
            same("createdAt", createdAt, v.uid() + "/" + v.statusCommit(), v.createdAt(), ns, name, e, "the status");
        }
        if (v.statusCommit() != null && v.expiresAt() != null) {
            same(
                    "expiresAt",
                    expiresAt,
                    v.uid() + "/" + v.statusCommit() + "/" + v.ttl(),
                    v.expiresAt(),
                    ns,
                    name,
                    e,
                    "the status");
        }
    }

    private void deployment(String ns, Deployment d, Event e) {
        Map<String, DeploymentView> inNs = deployments.computeIfAbsent(ns, k -> new HashMap<>());
        String name = d.getMetadata().getName();
        if (e.deleted()) {
            inNs.remove(name);
            return;
        }
        String owner = owner(d);
        inNs.put(name, new DeploymentView(owner, d.getMetadata().getDeletionTimestamp() != null));
        String annotated = d.getMetadata().getAnnotations() == null
                ? null
                : d.getMetadata().getAnnotations().get(PreviewNames.ANNOTATION_CREATED_AT);
        String commit = label(d, PreviewNames.LABEL_COMMIT);
        if (owner != null && annotated != null && commit != null) {
            same("createdAt", createdAt, owner + "/" + commit, annotated, ns, name, e, "Deployment " + name);
        }
    }

    private void job(String ns, Job j, Event e) {
        if (!jobsSeen.add(j.getMetadata().getUid())) return;
        String owner = owner(j);
        String commit = label(j, PreviewNames.LABEL_COMMIT);
        String fingerprint = label(j, PreviewNames.LABEL_SEED_FINGERPRINT);
        if (owner == null || fingerprint == null) return;
        seedJobs++;
        fingerprints.computeIfAbsent(owner + "/" + commit, k -> new HashSet<>()).add(fingerprint);
        String key = owner + "/" + commit + "/" + fingerprint;
        String first = jobByFingerprint.putIfAbsent(
                key, j.getMetadata().getName() + " (uid " + j.getMetadata().getUid() + ")");
        if (first != null) {
            violations.add(new Violation(
                    "one seed Job per (preview, commit, seed spec, reseed value)",
                    ns,
                    label(j, PreviewNames.LABEL_INSTANCE),
                    e.revision(),
                    e.received(),
                    "seed Job " + j.getMetadata().getName() + " (uid "
                            + j.getMetadata().getUid()
                            + ") created for commit " + commit + " and fingerprint " + fingerprint + ", which Job "
                            + first + " ran already"));
        }
    }

    /** The previews that hold a slot (their status says so, or they own a live Deployment) and the branch rule. */
    private void admissions(String ns, Event e) {
        Map<String, PreviewView> inNs = previews.getOrDefault(ns, Map.of());
        Set<String> owning = deployments.getOrDefault(ns, Map.of()).values().stream()
                .filter(d -> !d.deleting() && d.owner() != null)
                .map(DeploymentView::owner)
                .collect(Collectors.toSet());
        Map<String, String> admitted = new TreeMap<>();
        inNs.forEach((name, v) -> {
            if (v.deleting()) return;
            boolean claims = v.statusCommit() != null && v.phase() != Phase.Expired && v.phase() != Phase.LimitExceeded;
            boolean runs = owning.contains(v.uid());
            if (claims || runs) {
                admitted.put(name, v.branch() + ", phase " + v.phase() + (runs ? ", owns a Deployment" : ""));
            }
        });
        int limit = limits.get(ns);
        peakAdmitted.merge(ns, admitted.size(), Math::max);
        if (admitted.size() > limit) {
            if (overLimit.add(ns)) {
                violations.add(new Violation(
                        "at most maxPreviews admitted previews per namespace",
                        ns,
                        "(namespace)",
                        e.revision(),
                        e.received(),
                        admitted.size() + " previews hold a slot, the plan allows " + limit + ": " + admitted));
            }
        } else {
            overLimit.remove(ns);
        }
        Map<String, List<String>> byBranch = new TreeMap<>();
        admitted.keySet()
                .forEach(name -> byBranch.computeIfAbsent(inNs.get(name).branch(), b -> new ArrayList<>())
                        .add(name));
        byBranch.forEach((branch, names) -> {
            String key = ns + "/" + branch;
            if (names.size() > 1) {
                if (sharedBranches.add(key)) {
                    violations.add(new Violation(
                            "one provisioned preview per branch and namespace",
                            ns,
                            branch,
                            e.revision(),
                            e.received(),
                            "previews " + names + " are provisioned for branch " + branch));
                }
            } else {
                sharedBranches.remove(key);
            }
        });
    }

    /** A value that must never change for its key: the first one seen holds. */
    private void same(
            String what,
            Map<String, String> first,
            String key,
            String value,
            String ns,
            String name,
            Event e,
            String where) {
        String before = first.putIfAbsent(key, value);
        if (before != null && !before.equals(value)) {
            first.put(key, value);
            violations.add(new Violation(
                    what + " moves only with a new commit (or a new spec.ttl)",
                    ns,
                    name,
                    e.revision(),
                    e.received(),
                    what + " of deployment " + key + " was " + before + ", " + where + " now says " + value));
        }
    }

    /**
     * At the end: a preview and commit got no more seed fingerprints than the seed specs and reseed
     * values it was given; more means one of the fingerprint's other parts (the deployment's createdAt)
     * moved.
     */
    void finish() {
        fingerprints.forEach((key, seen) -> {
            int variants = seedVariants.getOrDefault(key, Set.of()).size();
            if (seen.size() > Math.max(variants, 1)) {
                violations.add(new Violation(
                        "one seed Job per (preview, commit, seed spec, reseed value)",
                        "-",
                        key,
                        0,
                        Instant.now(),
                        seen.size() + " seed fingerprints " + seen + " for " + variants
                                + " seed spec and reseed values"));
            }
        });
    }

    List<Violation> violations() {
        return violations;
    }

    long events() {
        return events;
    }

    /**
     * Events that came with a relist of the checker's own watches (after the API server or etcd was away):
     * applied, but the slot and branch rules are not judged on them, because a deletion a relist infers
     * has no revision of its own and the order of the kinds' relists is not the cluster's.
     */
    long relisted() {
        return relisted;
    }

    long seedJobs() {
        return seedJobs;
    }

    Map<String, Integer> peakAdmitted() {
        return peakAdmitted;
    }

    private static String owner(HasMetadata child) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        if (refs == null) return null;
        return refs.stream()
                .filter(r -> PreviewDeployment.KIND.equals(r.getKind()) && Boolean.TRUE.equals(r.getController()))
                .map(OwnerReference::getUid)
                .findFirst()
                .orElse(null);
    }

    private static String label(HasMetadata o, String key) {
        return o.getMetadata().getLabels() == null
                ? null
                : o.getMetadata().getLabels().get(key);
    }

    static boolean sameObject(HasMetadata a, HasMetadata b) {
        return Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid());
    }
}
