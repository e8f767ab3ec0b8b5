package dev.previews.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Admission's common case answers from the count of previews the informer added, without reading
 * the namespace's previews: the index here has no cache at all, so any read would fail.
 */
class PreviewIndexTest {
  final PreviewIndex index = new PreviewIndex();

  @Test
  void aNamespaceWithRoomAdmitsWithoutReadingItsPreviews() {
    for (int i = 0; i < 1000; i++) index.added(preview("team-a", "p-" + i));
    index.added(preview("team-b", "other"));

    assertThat(index.admit(preview("team-a", "p-999"), 1001).admitted()).isTrue();
    assertThat(index.admit(preview("team-a", "p-998"), 1001).admitted()).isTrue();
  }

  @Test
  void aNamespaceAtItsLimitIsCountedInFull_andADeletionIsForgotten() {
    index.added(preview("team-a", "first"));
    index.added(preview("team-a", "second"));
    // two previews and a limit of two: the full count decides, from the cache (none here)
    assertThatThrownBy(() -> index.admit(preview("team-a", "second"), 2)).isInstanceOf(NullPointerException.class);

    index.gone("team-a", "first");
    assertThat(index.admit(preview("team-a", "second"), 2).admitted()).isTrue();
  }

  private static PreviewDeployment preview(String namespace, String name) {
    PreviewDeployment p = new PreviewDeployment();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(name + "-uid").build());
    return p;
  }
}
