package dev.previews.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;

/**
 * fabric8's CRUD dispatcher with the JSON merge patch of RFC 7386 ({@link MergePatch}). The stock one
 * reads the patch into the stored object with Jackson's readerForUpdating, which appends a patch's
 * list to the stored list and stores a {@code null} instead of removing the field: a {@code kubectl
 * apply} that drops a container argument, or a {@code kubectl patch --type merge -p '{"spec":{"seed":null}}'},
 * did not do on the mock what it does on a cluster. Only merge patches change: JSON patches, PUTs and
 * creates (the operator's writes) go through fabric8's code as before.
 */
class MergePatchDispatcher extends KubernetesCrudDispatcher {
    MergePatchDispatcher() {
        super();
    }

    @Override
    public JsonNode merge(JsonNode stored, String patch) throws KubernetesCrudDispatcherException {
        return MergePatch.apply(stored, asNode(patch));
    }
}
