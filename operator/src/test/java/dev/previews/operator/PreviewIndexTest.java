package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admission's common case answers from the count of previews the informer added, without reading
 * the namespace's previews from the cache; only a namespace at its limit is counted in full.
 */
class PreviewIndexTest {
    final PrimaryCache cache = new PrimaryCache();
    final PreviewIndex index = new PreviewIndex();

    PreviewIndexTest() {
        index.attach(cache.proxy());
    }

    @Test
    void aNamespaceWithRoomAdmitsWithoutReadingItsPreviews() {
        for (int i = 0; i < 1000; i++) cache.add(preview("team-a", "p-" + i));
        cache.add(preview("team-b", "other"));

        assertThat(index.admit(preview("team-a", "p-999"), 1001).admitted()).isTrue();
        assertThat(index.admit(preview("team-a", "p-998"), 1001).admitted()).isTrue();
        assertThat(cache.reads).as("reads of the namespace's previews").isZero();
    }

    @Test
    void aNamespaceAtItsLimitIsCountedInFull_andADeletionIsForgotten() {
        PreviewDeployment first = cache.add(preview("team-a", "first"));
        cache.add(preview("team-a", "second"));
        // two previews and a limit of two: the full count decides
        assertThat(index.admit(preview("team-a", "second"), 2).admitted()).isTrue();
        assertThat(cache.reads).isEqualTo(1);

        cache.delete(first);
        assertThat(index.admit(preview("team-a", "third"), 2).admitted()).isTrue();
        assertThat(cache.reads).as("reads after the deletion was reconciled").isEqualTo(1);
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
        index.admit(preview("team-a", "third"), 2);
        assertThat(cache.reads).isEqualTo(1);
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
