package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.policy.Admission;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admission's common case answers from the count of previews the informer added, without reading
 * the namespace's previews from the cache; only a namespace at its limit is counted in full. A
 * decision that keeps a slot holds it; one that gives it up frees it.
 */
class SlotLedgerTest {
    final PrimaryCache cache = new PrimaryCache();
    final PreviewIndex index = new PreviewIndex();
    final SlotLedger ledger = new SlotLedger(index);

    SlotLedgerTest() {
        index.attach(cache.proxy());
    }

    /** A decision that takes the slot whenever it is admitted, as provisioning does. */
    SlotLedger.Settled<Admission.Decision> admit(PreviewDeployment p, int limit) {
        return ledger.decide(p, limit, slot -> slot, Admission.Decision::admitted);
    }

    @Test
    void aHolderKeepsItsSlotUntilADecisionGivesItUp_whichFreesIt() {
        PreviewDeployment first = preview("team-a", "first");
        first.setStatus(new PreviewDeploymentStatus());
        first.getStatus().setCommit("a1b2c3d");
        first.getStatus().setPhase(Phase.Ready);
        cache.add(first); // its status, as the cache holds it, says it holds a slot
        cache.add(preview("team-a", "second"));
        assertThat(admit(preview("team-a", "first"), 1).decision().admitted()).isTrue();
        assertThat(admit(preview("team-a", "second"), 1).decision().admitted()).isFalse();
        assertThat(admit(preview("team-a", "first"), 1).decision().admitted())
                .as("a holder keeps it")
                .isTrue();

        SlotLedger.Settled<Boolean> expired = ledger.decide(first, 1, slot -> false, held -> held);
        assertThat(expired.freed()).isTrue();
        assertThat(admit(preview("team-a", "second"), 1).decision().admitted())
                .as("admitted from the ledger, whatever the cache's statuses still say")
                .isTrue();
        assertThat(ledger.gone("team-a", "second")).isTrue();
        assertThat(ledger.gone("team-a", "second")).isFalse();
    }

    @Test
    void aNamespaceWithRoomAdmitsWithoutReadingItsPreviews() {
        for (int i = 0; i < 1000; i++) cache.add(preview("team-a", "p-" + i));
        cache.add(preview("team-b", "other"));

        assertThat(admit(preview("team-a", "p-999"), 1001).decision().admitted())
                .isTrue();
        assertThat(admit(preview("team-a", "p-998"), 1001).decision().admitted())
                .isTrue();
        assertThat(cache.reads)
                .as("reads of the namespace's previews: once, to fill its ledger")
                .isEqualTo(1);
    }

    @Test
    void aNamespaceAtItsLimitIsCountedInFull_andADeletionIsForgotten() {
        PreviewDeployment first = cache.add(preview("team-a", "first"));
        cache.add(preview("team-a", "second"));
        // two previews and a limit of two: the full count decides
        assertThat(admit(preview("team-a", "second"), 2).decision().admitted()).isTrue();
        assertThat(cache.reads).as("the ledger filled, and the full count").isEqualTo(2);

        cache.delete(first);
        assertThat(admit(preview("team-a", "third"), 2).decision().admitted()).isTrue();
        assertThat(cache.reads).as("reads after the deletion was reconciled").isEqualTo(2);
    }

    @Test
    void aPreviewDeletedAndCreatedAgainUnderItsNameCountsOnceItsDeletionIsReconciled() {
        PreviewDeployment old = cache.add(preview("team-a", "first"));
        PreviewDeployment again = preview("team-a", "first");
        again.getMetadata().setUid("first-uid-2");
        cache.add(again);
        cache.delete(old); // the old one's deletion, reconciled after the new one came
        cache.add(preview("team-a", "second"));
        // the new "first" and "second": a limit of two is full, and the full count decides
        admit(preview("team-a", "third"), 2);
        assertThat(cache.reads).as("the ledger filled, and the full count").isEqualTo(2);
    }

    @Test
    void aPreviewDeletedWhileItWasDecidedHoldsNoSlot() {
        PreviewDeployment first = cache.add(preview("team-a", "first"));
        cache.add(preview("team-a", "second"));
        assertThat(admit(first, 1).decision().admitted()).isTrue();
        cache.delete(first);
        assertThat(ledger.gone("team-a", "first")).isTrue();

        // a reconcile of first under way when it was deleted decides after its deletion was reconciled
        admit(first, 1);

        assertThat(admit(preview("team-a", "second"), 1).decision().admitted())
                .as("the slot first no longer holds")
                .isTrue();
    }

    @Test
    void aHolderTheCacheNoLongerHasIsGone_evenIfItsDeletionWasNeverReconciled() {
        PreviewDeployment first = cache.add(preview("team-a", "first"));
        cache.add(preview("team-a", "second"));
        assertThat(admit(first, 1).decision().admitted()).isTrue();
        assertThat(admit(preview("team-a", "second"), 1).decision().admitted()).isFalse();

        cache.previews.remove(first); // the informer dropped it; no reconcile of its deletion came

        assertThat(admit(preview("team-a", "second"), 1).decision().admitted()).isTrue();
    }

    private static PreviewDeployment preview(String namespace, String name) {
        PreviewDeployment p = new PreviewDeployment();
        p.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withUid(name + "-uid")
                .build());
        return p;
    }

    /**
     * The primary informer's cache as admission uses it: previews added (also told to the index, as the
     * informer's add filter does) and deleted, found by namespace, and how often they were read.
     */
    final class PrimaryCache {
        final List<PreviewDeployment> previews = new ArrayList<>();
        int reads;

        PreviewDeployment add(PreviewDeployment p) {
            previews.add(p);
            index.added(p);
            return p;
        }

        /** The informer removed the preview, and its deletion was reconciled. */
        void delete(PreviewDeployment p) {
            previews.remove(p);
            index.gone(p);
        }

        @SuppressWarnings("unchecked")
        IndexerResourceCache<PreviewDeployment> proxy() {
            return (IndexerResourceCache<PreviewDeployment>) Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {IndexerResourceCache.class},
                    (self, method, args) -> switch (method.getName()) {
                        case "addIndexers" -> null;
                        case "get" ->
                            previews.stream()
                                    .filter(p -> ResourceID.fromResource(p).equals(args[0]))
                                    .findFirst();
                        case "byIndex" -> {
                            reads++;
                            yield previews.stream()
                                    .filter(p -> p.getMetadata().getNamespace().equals(args[1]))
                                    .toList();
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
