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

  public static final Comparator<Candidate> ORDER =
      Comparator.comparing(Candidate::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Candidate::name);

  /** {@code inUse} slots of {@code limit} are held; {@code ahead} waiting previews come first. */
  public record Decision(boolean admitted, int inUse, int limit, int ahead) {
    public String message(String namespace, String plan) {
      String text = inUse + " of " + limit + " previews in use in namespace " + namespace + " (plan " + plan + ")";
      return ahead > 0 ? text + "; " + ahead + " older preview(s) wait ahead of this one" : text;
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
    return new Decision(ahead < free, holders.size(), limit, ahead);
  }
}
