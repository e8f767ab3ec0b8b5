package dev.previews.policy;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Set;

/**
 * The deployment limit: at most {@code maxPreviews} previews hold a slot in a namespace; waiting
 * previews are admitted oldest creationTimestamp first, then by name. Pure function.
 */
public final class Admission {
    private Admission() {}

    /** A preview as admission sees it. */
    public record Candidate(String name, Instant created) {}

    public static final Comparator<Candidate> ORDER = Comparator.comparing(
                    Candidate::created, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Candidate::name);

    /**
     * {@code inUse} slots of {@code limit} are taken; {@code ahead} waiting previews come first. For a
     * refused preview, a free slot that an older waiting preview is about to take counts as taken.
     */
    public record Decision(boolean admitted, int inUse, int limit, int ahead) {
        /**
         * What a waiting preview reports. It names neither the previews ahead in line nor a slot that is
         * free for a moment between a holder leaving and the next in line taking it: both move with every
         * admission, and each move would rewrite the status of every waiting preview.
         */
        public String message(String namespace, String plan) {
            return inUse + " of " + limit + " previews in use in namespace " + namespace + " (plan " + plan
                    + "); admitted oldest first when a slot frees";
        }
    }

    /**
     * @param holders names of the previews holding a slot now
     * @param waiting previews waiting for a slot (may include {@code self})
     */
    public static Decision decide(Candidate self, Set<String> holders, Collection<Candidate> waiting, int limit) {
        if (holders.contains(self.name())) {
            return new Decision(true, holders.size(), limit, 0);
        }
        int free = limit - holders.size();
        int ahead = 0;
        for (Candidate c : waiting) {
            if (!c.name().equals(self.name()) && !holders.contains(c.name()) && ORDER.compare(c, self) < 0) {
                ahead++;
            }
        }
        boolean admitted = ahead < free;
        // refused: every free slot goes to a preview ahead in line (more holders than slots: the limit was lowered)
        return new Decision(admitted, admitted ? holders.size() : Math.max(holders.size(), limit), limit, ahead);
    }
}
