package dev.previews.operator;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.policy.Admission;
import dev.previews.spec.Timestamps;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The informer's cache of previews as the lifecycle needs it across previews: by namespace and by
 * branch, and a count of the previews in each namespace. Which preview holds a slot is the
 * {@link SlotLedger}'s business; whether a preview holds or waits for one, as its last written status
 * says, is answered here.
 */
public final class PreviewIndex {
    private static final String BY_NAMESPACE = "previews.dev/by-namespace";
    private static final String BY_BRANCH = "previews.dev/by-branch";
    private IndexerResourceCache<PreviewDeployment> cache;
    /**
     * The previews in each namespace (by uid, so that one deleted and created again under its name is
     * two), as the informer added them (see {@link #added}), until their deletion has been reconciled:
     * counting them is O(1), where counting the namespace's index copies it. It may hold a deleted
     * preview for a moment, never miss a present one.
     */
    private final Map<String, Set<String>> present = new ConcurrentHashMap<>();

    void attach(IndexerResourceCache<PreviewDeployment> primaryCache) {
        this.cache = primaryCache;
        cache.addIndexers(Map.of(
                BY_NAMESPACE, p -> List.of(p.getMetadata().getNamespace()),
                BY_BRANCH,
                        p -> p.getSpec() == null || p.getSpec().getBranch() == null
                                ? List.of()
                                : List.of(branchKey(
                                        p.getMetadata().getNamespace(),
                                        p.getSpec().getBranch()))));
    }

    /** Whether the preview is in the cache (true before the cache is attached: nothing is known to be gone). */
    boolean contains(ResourceID id) {
        return cache == null || cache.get(id).isPresent();
    }

    private static String branchKey(String namespace, String branch) {
        return namespace + "\u0000" + branch;
    }

    /**
     * The informer added a preview to its cache (created, or listed at start). Called by the primary
     * informer's add filter, on the informer's thread, before the preview's reconcile can run.
     */
    public void added(PreviewDeployment p) {
        present.computeIfAbsent(p.getMetadata().getNamespace(), n -> ConcurrentHashMap.newKeySet())
                .add(p.getMetadata().getUid());
    }

    /** The preview's deletion has been reconciled. */
    public void gone(PreviewDeployment p) {
        Set<String> uids = present.get(p.getMetadata().getNamespace());
        if (uids != null) {
            uids.remove(p.getMetadata().getUid());
        }
    }

    int presentIn(String namespace) {
        Set<String> uids = present.get(namespace);
        return uids == null ? 0 : uids.size();
    }

    /**
     * Whether the informer's cache holds the preview: it holds every live preview, and drops one only
     * when its deletion is seen.
     */
    boolean live(String namespace, String name) {
        return cache.get(new ResourceID(name, namespace)).isPresent();
    }

    public List<PreviewDeployment> inNamespace(String namespace) {
        return cache.byIndex(BY_NAMESPACE, namespace);
    }

    /**
     * The live preview that holds the branch: among those naming it in the namespace, one that already
     * provisions it (holds a slot, as {@code holdsSlot} says: the slot ledger, whose decisions the
     * statuses in the cache may not show yet), else the oldest (creationTimestamp, then name). Two
     * previews of one branch created in the same second never take the branch from the one that runs.
     */
    public Optional<PreviewDeployment> branchHolder(PreviewDeployment self, Predicate<PreviewDeployment> holdsSlot) {
        List<PreviewDeployment> claimants = new ArrayList<>(cache.byIndex(
                BY_BRANCH,
                branchKey(self.getMetadata().getNamespace(), self.getSpec().getBranch())));
        claimants.removeIf(p -> sameObject(p, self) || isDeleting(p));
        claimants.add(self);
        return claimants.stream()
                .min(Comparator.comparing((PreviewDeployment p) -> !holdsSlot.test(p))
                        .thenComparing(PreviewIndex::candidate, Admission.ORDER));
    }

    /** Previews of the namespace that name the branch, other than this one. */
    public List<PreviewDeployment> othersOnBranch(String namespace, String branch, String self) {
        return cache.byIndex(BY_BRANCH, branchKey(namespace, branch)).stream()
                .filter(p -> !p.getMetadata().getName().equals(self))
                .toList();
    }

    /** Previews in the namespace waiting for a slot. */
    public List<PreviewDeployment> waiting(String namespace) {
        return inNamespace(namespace).stream()
                .filter(PreviewIndex::waitsForSlot)
                .toList();
    }

    /**
     * Whether the preview's status says it holds a slot: from its admission until its workloads are
     * deleted (a deployment exists, and it has not expired).
     */
    public static boolean holdsSlot(PreviewDeployment p) {
        var s = p.getStatus();
        return !isDeleting(p)
                && s != null
                && s.getCommit() != null
                && s.getPhase() != Phase.Expired
                && s.getPhase() != Phase.LimitExceeded;
    }

    /** A preview waits for a slot until it is admitted, unless its spec, plan or branch keeps it out. */
    public static boolean waitsForSlot(PreviewDeployment p) {
        if (isDeleting(p) || holdsSlot(p)) return false;
        var s = p.getStatus();
        if (s == null || s.getPhase() == null) return true;
        return switch (s.getPhase()) {
            case Pending, Provisioning, LimitExceeded -> true;
            case Expired -> p.getSpec() != null && !p.getSpec().getCommit().equals(s.getCommit());
            default -> false;
        };
    }

    static boolean isDeleting(PreviewDeployment p) {
        return p.getMetadata().getDeletionTimestamp() != null;
    }

    private static boolean sameObject(PreviewDeployment a, PreviewDeployment b) {
        return a.getMetadata().getName().equals(b.getMetadata().getName());
    }

    static Admission.Candidate candidate(PreviewDeployment p) {
        Instant created = Timestamps.parse(p.getMetadata().getCreationTimestamp());
        return new Admission.Candidate(p.getMetadata().getName(), created);
    }
}
