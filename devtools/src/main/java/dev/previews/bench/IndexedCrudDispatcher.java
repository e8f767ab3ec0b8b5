package dev.previews.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher with an index by namespace and name. The stock dispatcher finds an object
 * by testing every stored object against the request's attributes, on every GET, POST, PUT, PATCH and
 * DELETE: O(stored objects) per request under one lock, so that with 10000 previews (about 70000
 * objects) the mock, not the operator, is what grows with N. This class answers the requests that
 * name one namespaced object from the index and leaves everything else (watches, cluster-scoped
 * objects, objects with finalizers) to the stock code; the index only narrows the candidates, which
 * are still tested with the stock matching, so the answers are the same. Lists likewise test only the
 * objects of the listed resource (a real API server keeps each resource apart too), not every stored
 * object: 70000 of them with 10000 previews, for each of an informer's lists at an operator's start.
 * They come sorted by namespace and name, as from a real server (the stock code keeps the order of
 * the last writes).
 * {@code benchmark --stock-mock} runs without it, and every run measures both dispatchers' own speed.
 *
 * <p>Watches: the stock dispatcher sends every stored object that matches a new watch as an ADDED
 * event, whatever resourceVersion the watch starts from. A real API server does that only for a watch
 * without a resourceVersion (or "0"); a watch from resourceVersion X gets the changes after X and
 * nothing else. Informers list, then watch from the list's resourceVersion, so with the stock code
 * every informer receives its whole list a second time, as watch events, when it starts (and again at
 * each re-watch, every 5 to 10 minutes): with 10000 previews that was more than half of the time from
 * an operator's start to its first reconcile. This class serves the watches from a resourceVersion
 * itself, as a real server does: on open it sends the stored objects that changed after X (as ADDED,
 * oldest first; there are none when the watch follows a list at once), then every change, with the
 * stock code's matching and events. Watches without a resourceVersion, or with a field selector, go
 * to the stock code. Like the stock code, it keeps no deleted objects: a deletion between X and the
 * watch's start is not sent (a real server would send it, or answer 410 for a too old X).
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
    private static final String NAME = KubernetesAttributesExtractor.NAME;
    private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;
    private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;

    /** namespace/name -> the keys of the stored objects of that namespace and name (any kind). */
    private final Map<String, Set<AttributeSet>> index = new ConcurrentHashMap<>();
    /** resource (plural) -> the stored objects of that resource, for lists. */
    private final Map<String, Map<AttributeSet, Listed>> byResource = new ConcurrentHashMap<>();
    /** A stored object, with its place in a list (namespace, name) and its resourceVersion (for watches). */
    private record Listed(String order, String json, long version) {}
    /** The store's resourceVersion: the last one handed out, which the stock lists report. */
    private final AtomicLong latestVersion = new AtomicLong();
    /** The stock code answers an empty list on these paths with the API's resources (discovery). */
    private static final Pattern DISCOVERY_PATH =
            Pattern.compile("/apis(/(?<group>[a-zA-Z0-9-_.]+))?(/(?<version>[a-zA-Z0-9-_]+))");
    /** Writes hold it exclusively, the indexed reads shared: the index and the store change together. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private volatile Lock stockWriteLock;
    /** The open watches that started from a resourceVersion (the stock code keeps the others). */
    private final Set<WatchSince> watches = ConcurrentHashMap.newKeySet();

    private static final JsonFactory JSON = new JsonFactory();

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
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            AttributeSet oldAttributes,
            GenericKubernetesResource resource,
            String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        String existing = null;
        if (oldAttributes != null) {
            unindex(oldAttributes);
            String resourceName = single(oldAttributes.getAttribute(PLURAL));
            Map<AttributeSet, Listed> ofResource = resourceName == null ? null : byResource.get(resourceName);
            Listed old = ofResource == null ? null : ofResource.remove(oldAttributes);
            existing = old == null ? null : old.json();
        }
        AttributeSet stored = null;
        if (newState != null) {
            // the same key the stock code has just stored the object under
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
            stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!stored.containsKey(PLURAL)) {
                stored = AttributeSet.merge(pathAttributes, stored);
            }
            String key = key(stored);
            if (key != null) {
                index.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(stored);
            }
            String resourceName = single(stored.getAttribute(PLURAL));
            if (resourceName != null) {
                String order = Objects.toString(single(stored.getAttribute(NAMESPACE)), "") + "/"
                        + Objects.toString(single(stored.getAttribute(NAME)), "");
                byResource
                        .computeIfAbsent(resourceName, k -> new ConcurrentHashMap<>())
                        .put(stored, new Listed(order, newState, resourceVersion(resource, newState)));
            }
        }
        if (!watches.isEmpty() && !Objects.equals(existing, newState)) {
            // what the stock code has just sent to its own watches; each event encoded once for all the
            // watches it goes to, as a real API server's watch cache does
            Map<Action, String> bodies = new EnumMap<>(Action.class);
            for (WatchSince watch : watches) {
                boolean matchesOld = oldAttributes != null && watch.matches(oldAttributes);
                boolean matchesNew = stored != null && watch.matches(stored);
                if (matchesOld && matchesNew) {
                    watch.send(bodies.computeIfAbsent(Action.MODIFIED, a -> event(a, newState)));
                } else if (matchesOld) {
                    String gone = existing;
                    watch.send(bodies.computeIfAbsent(Action.DELETED, a -> event(a, gone)));
                } else if (matchesNew) {
                    watch.send(bodies.computeIfAbsent(Action.ADDED, a -> event(a, newState)));
                }
            }
        }
    }

    /**
     * A watch from a resourceVersion: served here (see the class comment). Without one, or from "0", a
     * real server, like the stock code, first sends every matching object as ADDED.
     */
    @Override
    public MockResponse handleWatch(String path) {
        String since = queryParameter(path, "resourceVersion");
        if (since == null || since.isEmpty() || since.equals("0") || queryParameter(path, "fieldSelector") != null) {
            return super.handleWatch(path);
        }
        long from;
        try {
            from = Long.parseLong(since);
        } catch (NumberFormatException e) {
            return super.handleWatch(path);
        }
        return new MockResponse().withWebSocketUpgrade(new WatchSince(attributeExtractor.fromPath(path), from));
    }

    /** One watch from a resourceVersion; sends in order on its own thread, as the stock watches do. */
    private final class WatchSince extends WebSocketListener {
        private final AttributeSet query;
        private final long since;
        private final ExecutorService sender = Executors.newSingleThreadExecutor(Threads.named("bench-mock-watch"));
        private volatile WebSocket socket;

        WatchSince(AttributeSet query, long since) {
            this.query = query;
            this.since = since;
        }

        boolean matches(AttributeSet stored) {
            return stored.matches(query);
        }

        /** The changes after the watch's resourceVersion, then every change: atomic with respect to writes. */
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            locked(false, () -> {
                String resourceName = single(query.getAttribute(PLURAL));
                List<Listed> newer = new ArrayList<>();
                for (Map<AttributeSet, Listed> ofResource : resourceName == null
                        ? byResource.values()
                        : List.of(byResource.getOrDefault(resourceName, Map.of()))) {
                    ofResource.forEach((stored, listed) -> {
                        if (listed.version() > since && matches(stored)) {
                            newer.add(listed);
                        }
                    });
                }
                newer.sort(Comparator.comparingLong(Listed::version));
                newer.forEach(listed -> send(event(Action.ADDED, listed.json())));
                watches.add(this);
                return null;
            });
        }

        /** Sends one encoded watch event, in order with the others. */
        void send(String body) {
            try {
                sender.execute(() -> {
                    try {
                        socket.send(body);
                    } catch (RuntimeException e) {
                        // the connection is gone; its close or failure ends this watch
                    }
                });
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            end();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            webSocket.close(1000, t.getMessage());
            end();
        }

        private void end() {
            watches.remove(this);
            sender.shutdown();
        }
    }

    /**
     * A watch event as the API server sends it, around the object as stored: the stock code parses the
     * stored object and writes it out again for each watch, which no real server does.
     */
    static String event(Action action, String storedObject) {
        return "{\"type\":\"" + action.name() + "\",\"object\":" + storedObject + "}";
    }

    /** The object's metadata.resourceVersion; unknown ones count as newer than any watch. */
    private static long resourceVersion(GenericKubernetesResource resource, String json) {
        String version = resource != null ? resource.getMetadata().getResourceVersion() : metadataResourceVersion(json);
        try {
            return version == null ? Long.MAX_VALUE : Long.parseLong(version);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Reads metadata.resourceVersion without parsing the whole object. */
    private static String metadataResourceVersion(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.getCurrentName();
                        p.nextToken();
                        if (name.equals("resourceVersion")) return p.getValueAsString();
                        p.skipChildren();
                    }
                    return null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String queryParameter(String path, String name) {
        int q = path.indexOf('?');
        if (q < 0) return null;
        for (String pair : path.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
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
        String resourceName = single(query.getAttribute(PLURAL));
        if (!path.contains("watch=true") && query.getAttribute(NAME) == null && resourceName != null) {
            return locked(false, () -> list(path, query, resourceName));
        }
        if (path.contains("watch=true") || key(query) == null) {
            return locked(false, () -> super.handleGet(path));
        }
        return locked(false, () -> {
            Map.Entry<AttributeSet, String> found = findResource(query);
            return found == null
                    ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                    : new MockResponse()
                            .setResponseCode(HttpURLConnection.HTTP_OK)
                            .setBody(found.getValue());
        });
    }

    /** A list: the stock answer, from the objects of the resource only. */
    private MockResponse list(String path, AttributeSet query, String resourceName) {
        List<Listed> found = new ArrayList<>();
        byResource.getOrDefault(resourceName, Map.of()).forEach((stored, listed) -> {
            if (stored.matches(query)) {
                found.add(listed);
            }
        });
        if (found.isEmpty() && DISCOVERY_PATH.matcher(path).matches()) {
            return super.handleGet(path);
        }
        found.sort(Comparator.comparing(Listed::order));
        List<String> items = new ArrayList<>(found.size());
        found.forEach(listed -> items.add(listed.json()));
        return new MockResponse()
                .setResponseCode(HttpURLConnection.HTTP_OK)
                .setBody(((KubernetesResponseComposer) responseComposer)
                        .compose(items, String.valueOf(latestVersion.get())));
    }

    @Override
    public long requestResourceVersion() {
        long version = super.requestResourceVersion();
        latestVersion.accumulateAndGet(version, Math::max);
        return version;
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
            GenericKubernetesResource resource =
                    Serialization.unmarshal(found.getValue(), GenericKubernetesResource.class);
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
            byResource.clear();
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
        if (attribute == null
                || attribute.getType() != AttributeType.WITH
                || attribute.getValues().size() != 1) {
            return null;
        }
        return attribute.getValues().get(0).toString();
    }
}
