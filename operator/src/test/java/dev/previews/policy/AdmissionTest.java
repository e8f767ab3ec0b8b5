package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.policy.Admission.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    static final Instant T = Instant.parse("2026-11-02T09:00:00Z");

    static Candidate c(String name, int second) {
        return new Candidate(name, T.plusSeconds(second));
    }

    @Test
    void oldestFirstThenByName() {
        List<Candidate> waiting = List.of(c("e", 5), c("d", 4), c("b", 1), c("a", 1), c("c", 3));
        assertThat(waiting.stream().sorted(Admission.ORDER).map(Candidate::name))
                .containsExactly("a", "b", "c", "d", "e");
        for (Candidate self : waiting) {
            boolean admitted = Admission.decide(self, Set.of(), waiting, 3).admitted();
            assertThat(admitted).as(self.name()).isEqualTo(Set.of("a", "b", "c").contains(self.name()));
        }
    }

    @Test
    void holdersKeepTheirSlotsAndFillTheLimit() {
        List<Candidate> waiting = List.of(c("a", 0), c("z", 9));
        var behindA = Admission.decide(c("z", 9), Set.of("x", "y"), waiting, 3);
        assertThat(behindA.admitted()).isFalse();
        // the free slot is a's as soon as a is reconciled: z reports it taken, before and after
        assertThat(behindA.message("team-a", "starter")).startsWith("3 of 3 previews in use");
        assertThat(Admission.decide(c("a", 0), Set.of("x", "y"), waiting, 3).admitted())
                .isTrue();
        assertThat(Admission.decide(c("x", 99), Set.of("x", "y", "w"), waiting, 3)
                        .admitted())
                .isTrue();
        var refused = Admission.decide(c("z", 9), Set.of("x", "y", "w"), waiting, 3);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.message("team-a", "starter"))
                .isEqualTo(
                        "3 of 3 previews in use in namespace team-a (plan starter); admitted oldest first when a slot frees");
        assertThat(refused.ahead()).isEqualTo(1);
    }

    @Test
    void aLoweredLimitShowsTheHoldersOverIt() {
        var refused = Admission.decide(c("z", 9), Set.of("w", "x", "y", "v"), List.of(c("z", 9)), 3);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.message("team-a", "starter")).startsWith("4 of 3 previews in use");
        assertThat(Admission.decide(c("x", 1), Set.of("w", "x", "y", "v"), List.of(), 3)
                        .admitted())
                .isTrue();
    }

    @Test
    void expiryIsCreatedAtPlusTheShorterTtl() {
        Plan plan = new Plan("starter", Duration.ofDays(5), 40, ExpiryPolicy.Delete);
        assertThat(Expiry.ttl(plan, null)).isEqualTo(new Expiry.Ttl(Duration.ofDays(5), false));
        assertThat(Expiry.ttl(plan, Duration.ofHours(36))).isEqualTo(new Expiry.Ttl(Duration.ofHours(36), false));
        assertThat(Expiry.ttl(plan, Duration.ofDays(9))).isEqualTo(new Expiry.Ttl(Duration.ofDays(5), true));
        Instant at = Expiry.expiresAt(T, Expiry.ttl(plan, Duration.ofHours(36)));
        assertThat(at).isEqualTo(Instant.parse("2026-11-03T21:00:00Z"));
        assertThat(Expiry.isDue(at, at)).isTrue();
        assertThat(Expiry.isDue(at, at.minusSeconds(1))).isFalse();
        assertThat(Expiry.isDue(null, at)).isFalse();
    }
}
