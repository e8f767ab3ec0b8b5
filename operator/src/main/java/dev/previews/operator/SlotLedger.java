package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.Admission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which previews hold a slot of their namespace's deployment limit: the decisions' own record, not
 * the statuses in the informer's cache, which show a decision only once its status write comes back
 * (a waiting preview that read the cache right after a holder expired saw it still holding).
 *
 * <p>A namespace's decisions are made one at a time ({@link #decide}), each with the ledger's answer
 * for the preview and settling what the decision says about its slot, so that concurrent reconciles
 * never admit more previews than the limit. A namespace's ledger is filled from the statuses in the
 * cache the first time it is needed (after a start); from then on only decisions change it.
 */
final class SlotLedger {
    private final PreviewIndex index;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

    private static final class Namespace {
        final Set<String> holders = new HashSet<>();
        boolean filled;
    }

    /** A decision and whether it freed a slot its preview held. */
    record Settled<T>(T decision, boolean freed) {}

    SlotLedger(PreviewIndex index) {
        this.index = index;
    }

    /**
     * Decides under the namespace's lock: {@code decide} gets the ledger's answer for the preview under
     * {@code limit} and returns its decision, whose {@code holds} says whether the preview holds a slot
     * afterwards.
     */
    <T> Settled<T> decide(
            PreviewDeployment self, int limit, Function<Admission.Decision, T> decide, Function<T, Boolean> holds) {
        Namespace ns = namespaces.computeIfAbsent(self.getMetadata().getNamespace(), n -> new Namespace());
        synchronized (ns) {
            fill(ns, self.getMetadata().getNamespace());
            T decision = decide.apply(offer(ns, self, limit));
            String name = self.getMetadata().getName();
            // a preview deleted while it was decided (from the object read before) holds nothing: its
            // deletion may have been reconciled already, and nothing would free the slot again
            if (holds.apply(decision) && index.live(self.getMetadata().getNamespace(), name)) {
                ns.holders.add(name);
                return new Settled<>(decision, false);
            }
            return new Settled<>(decision, ns.holders.remove(name));
        }
    }

    /**
     * Whether the preview holds a slot of its namespace, as the ledger records it. Within {@link #decide}
     * for that namespace this is the answer of the namespace's decisions so far, which the statuses in
     * the cache may not show yet (the branch rule asks it: two previews of one branch decided one after
     * the other must not both find the branch free).
     */
    boolean holds(String namespace, String name) {
        Namespace ns = namespaces.get(namespace);
        if (ns == null) return false;
        synchronized (ns) {
            return ns.holders.contains(name);
        }
    }

    /** The preview is gone: its slot, if it held one, is free. */
    boolean gone(String namespace, String name) {
        Namespace ns = namespaces.get(namespace);
        if (ns == null) return false;
        synchronized (ns) {
            return ns.holders.remove(name);
        }
    }

    private void fill(Namespace ns, String namespace) {
        if (ns.filled) return;
        for (PreviewDeployment p : index.inNamespace(namespace)) {
            if (PreviewIndex.holdsSlot(p)) ns.holders.add(p.getMetadata().getName());
        }
        ns.filled = true;
    }

    /**
     * Admits the preview under the limit, or says how full the namespace is. The common cases answer
     * without looking at the namespace's other previews (a burst of n previews would cost O(n^2)): a
     * holder keeps its slot, and when the namespace has no more previews than slots every one fits.
     */
    private Admission.Decision offer(Namespace ns, PreviewDeployment self, int limit) {
        String name = self.getMetadata().getName();
        if (ns.holders.contains(name)) {
            return new Admission.Decision(true, ns.holders.size(), limit, 0);
        }
        String namespace = self.getMetadata().getNamespace();
        // holders and waiting previews ahead are previews of the namespace other than this one
        if (Math.max(index.presentIn(namespace), 1) + 1 <= limit) {
            return new Admission.Decision(true, ns.holders.size() + 1, limit, 0);
        }
        // a full namespace: a holder the cache no longer has is gone, whether or not its deletion was
        // reconciled (a slot must never stay with a preview that does not exist)
        ns.holders.removeIf(holder -> !index.live(namespace, holder));
        List<Admission.Candidate> waiting = new ArrayList<>();
        for (PreviewDeployment p : index.inNamespace(namespace)) {
            if (!p.getMetadata().getName().equals(name) && PreviewIndex.waitsForSlot(p)) {
                waiting.add(PreviewIndex.candidate(p));
            }
        }
        return Admission.decide(PreviewIndex.candidate(self), ns.holders, waiting, limit);
    }
}
