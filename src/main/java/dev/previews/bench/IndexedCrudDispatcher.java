package dev.previews.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * fabric8's CRUD dispatcher with an index by namespace and name. The stock dispatcher finds an object
 * by testing every stored object against the request's attributes, on every GET, POST, PUT, PATCH and
 * DELETE: O(stored objects) per request under one lock, so that with 10000 previews (about 70000
 * objects) the mock, not the operator, is what grows with N. This class answers the requests that
 * name one namespaced object from the index and leaves everything else (lists, watches,
 * cluster-scoped objects, objects with finalizers) to the stock code; the index only narrows the
 * candidates, which are still tested with the stock matching, so the answers are the same.
 * {@code benchmark --stock-mock} runs without it, and every run measures both dispatchers' own speed.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String NAME = KubernetesAttributesExtractor.NAME;
  private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;
  private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;

  /** namespace/name -> the keys of the stored objects of that namespace and name (any kind). */
  private final Map<String, Set<AttributeSet>> index = new ConcurrentHashMap<>();
  /** Writes hold it exclusively, the indexed reads shared: the index and the store change together. */
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile Lock stockWriteLock;

  IndexedCrudDispatcher() {
    super(List.of());
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    String key = key(query);
    if (key == null) {
      return super.findResource(query);
    }
    for (AttributeSet candidate : index.getOrDefault(key, Set.of())) {
      String value = map.get(candidate);
      if (value != null && candidate.matches(query)) {
        return new AbstractMap.SimpleEntry<>(candidate, value);
      }
    }
    return null;
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      unindex(oldAttributes);
    }
    if (newState != null) {
      // the same key the stock code has just stored the object under
      KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
      AttributeSet stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!stored.containsKey(PLURAL)) {
        stored = AttributeSet.merge(pathAttributes, stored);
      }
      String key = key(stored);
      if (key != null) {
        index.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(stored);
      }
    }
  }

  private void unindex(AttributeSet attributes) {
    String key = key(attributes);
    if (key == null) return;
    Set<AttributeSet> keys = index.get(key);
    if (keys != null) {
      keys.remove(attributes);
      if (keys.isEmpty()) index.remove(key, keys);
    }
  }

  @Override
  public MockResponse handleGet(String path) {
    AttributeSet query = getKey(path);
    if (path.contains("watch=true") || key(query) == null) {
      return locked(false, () -> super.handleGet(path));
    }
    return locked(false, () -> {
      Map.Entry<AttributeSet, String> found = findResource(query);
      return found == null ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
          : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
    });
  }

  @Override
  public MockResponse handleDelete(String path) {
    return locked(true, () -> {
      AttributeSet query = getKey(path);
      if (key(query) == null) {
        return super.handleDelete(path);
      }
      Map.Entry<AttributeSet, String> found = findResource(query);
      if (found == null) {
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
      }
      GenericKubernetesResource resource = Serialization.unmarshal(found.getValue(), GenericKubernetesResource.class);
      if (!resource.getFinalizers().isEmpty()) {
        return super.handleDelete(path); // deletion marks and finalizers: the stock code
      }
      // the stock write lock too: a watch that starts now replays the store under the stock read lock
      Lock stock = stockWriteLock;
      if (stock == null) {
        return super.handleDelete(path);
      }
      stock.lock();
      try {
        processEvent(path, query, found.getKey(), null, null);
      } finally {
        stock.unlock();
      }
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
    });
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    return locked(true, () -> super.handleCreate(request));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return locked(true, () -> super.handleUpdate(request));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return locked(true, () -> super.handlePatch(request));
  }

  @Override
  public void reset() {
    locked(true, () -> {
      super.reset();
      index.clear();
      return null;
    });
  }

  /** The stock dispatcher tells which lock it has just taken; its write lock is kept for deletes. */
  @Override
  protected void locked(Lock lock) {
    if (stockWriteLock == null && lock instanceof ReentrantReadWriteLock.WriteLock) {
      stockWriteLock = lock;
    }
  }

  private <T> T locked(boolean write, Supplier<T> action) {
    var l = write ? lock.writeLock() : lock.readLock();
    l.lock();
    try {
      return action.get();
    } finally {
      l.unlock();
    }
  }

  /** "namespace/name" when the attributes pin exactly one namespace and one name, else null. */
  private static String key(AttributeSet attributes) {
    String namespace = single(attributes.getAttribute(NAMESPACE));
    String name = single(attributes.getAttribute(NAME));
    return namespace == null || name == null ? null : namespace + "/" + name;
  }

  private static String single(Attribute attribute) {
    if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
      return null;
    }
    return attribute.getValues().get(0).toString();
  }
}
