package dev.previews.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.api.RolloverPhase;
import dev.previews.api.RolloverStatus;
import dev.previews.policy.ConditionSet;
import dev.previews.testing.Previews;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreviewTableTest {
    @Test
    void rendersAlignedRowsSortedByName() {
        PreviewDeployment b = Previews.preview("ns", "b-preview", "feature/b");
        PreviewDeployment a = Previews.preview("ns", "a", "main");
        PreviewDeploymentStatus s = new PreviewDeploymentStatus();
        s.setPhase(Phase.Ready);
        s.setShortCommit("a1b2c3d");
        s.setUrl("http://a.ns.svc.cluster.local");
        s.setExpiresAt("2026-11-07T09:00:00Z");
        s.setConditions(ConditionSet.put(List.of(), "Seeded", "True", "SeedSucceeded", "", 1L, Instant.EPOCH));
        RolloverStatus next = new RolloverStatus();
        next.setShortCommit("b2c3d4e");
        next.setPhase(RolloverPhase.Seeding);
        s.setNext(next);
        a.setStatus(s);
        String table = PreviewTable.render(List.of(b, a));
        assertThat(table.lines())
                .containsExactly(
                        "NAME        BRANCH      COMMIT    PHASE     SEED            NEXT              URL                             EXPIRES",
                        "a           main        a1b2c3d   Ready     SeedSucceeded   b2c3d4e Seeding   http://a.ns.svc.cluster.local   2026-11-07T09:00:00Z",
                        "b-preview   feature/b             Pending                                                                     ");
    }
}
