package dev.previews.simulator;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** An informer handler for the played controllers: each added or updated object, as it now is; deletions ignored. */
public final class OnAddOrUpdate {
    private OnAddOrUpdate() {}

    public static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T before, T after) {
                onChange.accept(after);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {}
        };
    }
}
