package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Admission's common case answers from the count of previews the informer added, without reading
 * the namespace's previews: the index here has no cache at all, so any read would fail.
 */
class PreviewIndexTest {
  static final Consumer<PreviewDeployment> NO_ONE = p -> {};
  final PreviewIndex index = new PreviewIndex();

  @Test
  void aNamespaceWithRoomAdmitsWithoutReadingItsPreviews() {
    for (int i = 0; i < 1000; i++) index.added(preview("team-a", "p-" + i));
    index.added(preview("team-b", "other"));

    assertThat(index.admit(preview("team-a", "p-999"), 1001, NO_ONE).admitted()).isTrue();
    assertThat(index.admit(preview("team-a", "p-998"), 1001, NO_ONE).admitted()).isTrue();
  }

  @Test
  void aNamespaceAtItsLimitIsCountedInFull_andADeletionIsForgotten() {
    index.added(preview("team-a", "first"));
    index.added(preview("team-a", "second"));
    // two previews and a limit of two: the full count decides, from the cache (none here)
    assertThatThrownBy(() -> index.admit(preview("team-a", "second"), 2, NO_ONE)).isInstanceOf(NullPointerException.class);

    index.gone(preview("team-a", "first"));
    assertThat(index.admit(preview("team-a", "second"), 2, NO_ONE).admitted()).isTrue();
  }

  @Test
  void aPreviewDeletedAndCreatedAgainUnderItsNameCountsOnceItsDeletionIsReconciled() {
    index.added(preview("team-a", "first"));
    PreviewDeployment again = preview("team-a", "first");
    again.getMetadata().setUid("first-uid-2");
    index.added(again);
    index.gone(preview("team-a", "first")); // the old one's deletion, reconciled after the new one came
    index.added(preview("team-a", "second"));
    // the new "first" and "second": a limit of two is full, and the full count decides
    assertThatThrownBy(() -> index.admit(preview("team-a", "third"), 2, NO_ONE)).isInstanceOf(NullPointerException.class);
  }

  private static PreviewDeployment preview(String namespace, String name) {
    PreviewDeployment p = new PreviewDeployment();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(name + "-uid").build());
    return p;
  }
}
