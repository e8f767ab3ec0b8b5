package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps only what the operator reads: {@code metadata.managedFields} is
 * dropped from every object before it is stored, as controller-runtime's default cache transform
 * does. The operator never reads it, and on a real API server it is the largest part of a small
 * object's metadata (a few hundred bytes per field manager, two or three managers per child). It is
 * dropped in place: the object the store keeps is the one the informer hands to its listeners, so
 * neither holds a copy with it.
 *
 * <p>Safe to write back: an update (PUT) without {@code managedFields} keeps the server's (only an
 * explicit empty list would reset them), and the operator's status writes are JSON patches of the
 * status alone.
 */
public class LeanItemStore<R extends HasMetadata> extends BasicItemStore<R> {
    public LeanItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public R put(String key, R object) {
        return super.put(key, lean(object));
    }

    /** The object without what the operator does not read (the same instance). */
    static <R extends HasMetadata> R lean(R object) {
        if (object != null && object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return object;
    }

    /**
     * Seed Jobs without their pod template as well: the operator reads a Job's name, labels,
     * annotations and status (its outcome), never its template, and never writes a Job back (a new
     * seed is a new Job). The template is most of a Job.
     */
    public static final class Jobs extends LeanItemStore<Job> {
        @Override
        public Job put(String key, Job job) {
            if (job != null && job.getSpec() != null) {
                job.getSpec().setTemplate(null);
            }
            return super.put(key, job);
        }
    }

    /** For the previews' informer, which java-operator-sdk builds from an annotation (a class without type arguments). */
    public static final class Previews extends LeanItemStore<PreviewDeployment> {}
}
