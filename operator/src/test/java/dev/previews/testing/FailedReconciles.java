package dev.previews.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The reconciles java-operator-sdk reported as failed to its metrics, each with its exception. It
 * reports a failure only when no newer event for the preview is waiting, so this holds at most every
 * failure, never more: tests assert that there are none, never a count.
 */
public final class FailedReconciles {
    private final Queue<String> failed = new ConcurrentLinkedQueue<>();

    public void add(HasMetadata preview, Exception exception) {
        failed.add(preview.getMetadata().getNamespace() + "/"
                + preview.getMetadata().getName() + ": " + exception);
    }

    /** Those of previews in one namespace, as "namespace/name: exception", oldest first. */
    public List<String> in(String namespace) {
        String prefix = namespace + "/";
        return failed.stream().filter(f -> f.startsWith(prefix)).toList();
    }
}
