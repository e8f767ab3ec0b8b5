package dev.previews.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version of each child was last seen to hold what its preview wanted, and what the preview
 * wanted then. A child whose version has not moved since, wanted the same, needs no comparison: no
 * one changed it, and the preview asks for nothing new. Any write to the child (an edit by hand, a
 * controller's status update) gives it a new resourceVersion, so it is compared again.
 */
final class VerifiedChildren {
  /** By the child's namespace and name (a preview's children share its name), then by kind. */
  private final Map<ResourceID, Map<String, String>> seen = new ConcurrentHashMap<>();

  boolean holds(HasMetadata child, String wanted) {
    Map<String, String> byKind = seen.get(ResourceID.fromResource(child));
    return byKind != null && stamp(child, wanted).equals(byKind.get(child.getKind()));
  }

  void remember(HasMetadata child, String wanted) {
    if (child == null || wanted == null) {
      return;
    }
    seen.computeIfAbsent(ResourceID.fromResource(child), k -> new ConcurrentHashMap<>(4)).put(child.getKind(), stamp(child, wanted));
  }

  void forget(HasMetadata child) {
    Map<String, String> byKind = seen.get(ResourceID.fromResource(child));
    if (byKind != null) {
      byKind.remove(child.getKind());
    }
  }

  void forget(ResourceID name) {
    seen.remove(name);
  }

  private static String stamp(HasMetadata child, String wanted) {
    return child.getMetadata().getUid() + "@" + child.getMetadata().getResourceVersion() + " " + wanted;
  }
}
