package dev.previews.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mock API's request log: wraps the CRUD dispatcher and counts every request by client (its
 * User-Agent), verb and resource, and the time the mock spent on it. Keeps counters, not requests, so
 * that 10000 previews cost no more memory than 10. Also follows the phase and commit that the status
 * writes of each PreviewDeployment leave behind, and tells a listener, so that the benchmark learns
 * the instant a preview became Ready from the API server's side, the same way for the operator and for
 * the lower bound.
 */
public final class RequestLog extends Dispatcher implements CustomResourceAware, Resetable {
    /** A call as the audit log of an API server would name it. */
    public record Call(String verb, String resource, String namespace, String name) {}

    /** Told of every successful status write of a preview, with the phase and commit it left. */
    public interface StatusListener {
        void statusWritten(String namespace, String name, String phase, String commit, long nanoTime);
    }

    /** Counters: number of requests and nanoseconds spent in the mock, per (client, verb, resource). */
    public record Counter(long count, long nanos) {}

    private static final String PREVIEWS = "previewdeployments";
    private final KubernetesCrudDispatcher delegate;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, LongAdder[]> counters = new ConcurrentHashMap<>();
    private final Map<String, String[]> previewStatus = new ConcurrentHashMap<>();
    private volatile StatusListener listener = (ns, n, p, c, t) -> {};

    public RequestLog(KubernetesCrudDispatcher delegate) {
        this.delegate = delegate;
    }

    public void listen(StatusListener listener) {
        this.listener = listener;
    }

    /** Objects the mock holds now. */
    public int storedObjects() {
        return delegate.getMap().size();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Call call = classify(request.getMethod(), request.getPath());
        boolean statusWrite =
                call.resource().equals(PREVIEWS + "/status") && call.name() != null && isWrite(call.verb());
        // Buffer.getBytes() leaves the body for the dispatcher (getUtf8Body() would consume it)
        byte[] body =
                statusWrite && request.getBody() != null ? request.getBody().getBytes() : null;
        long start = System.nanoTime();
        MockResponse response = delegate.dispatch(request);
        long end = System.nanoTime();
        String client = client(request.getHeader("User-Agent"));
        LongAdder[] c = counters.computeIfAbsent(client + "\t" + call.verb() + "\t" + call.resource(), k ->
                new LongAdder[] {new LongAdder(), new LongAdder()});
        c[0].increment();
        c[1].add(end - start);
        if (body != null && response.code() < 300) {
            followStatus(call, body, end);
        }
        return response;
    }

    /** The counters so far, keyed "client verb resource". */
    public Map<String, Counter> snapshot() {
        Map<String, Counter> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, new Counter(v[0].sum(), v[1].sum())));
        return out;
    }

    /** What a client did between two snapshots. */
    public static Map<String, Counter> between(Map<String, Counter> before, Map<String, Counter> after) {
        Map<String, Counter> out = new TreeMap<>();
        after.forEach((k, v) -> {
            Counter b = before.getOrDefault(k, new Counter(0, 0));
            if (v.count() > b.count()) out.put(k, new Counter(v.count() - b.count(), v.nanos() - b.nanos()));
        });
        return out;
    }

    /** Status writes leave phase and commit behind: JSON patch (what the operator sends), merge patch or PUT. */
    private void followStatus(Call call, byte[] body, long when) {
        String key = call.namespace() + "/" + call.name();
        String[] state = previewStatus.computeIfAbsent(key, k -> new String[2]);
        String phase;
        String commit;
        synchronized (state) {
            try {
                JsonNode node = json.readTree(body);
                if (node.isArray()) {
                    for (JsonNode op : node) {
                        String path = op.path("path").asText();
                        JsonNode value = op.get("value");
                        switch (path) {
                            case "/status" -> {
                                state[0] = text(value == null ? null : value.get("phase"));
                                state[1] = text(value == null ? null : value.get("commit"));
                            }
                            case "/status/phase" -> state[0] = text(value);
                            case "/status/commit" -> state[1] = text(value);
                            default -> {}
                        }
                    }
                } else if (node.has("status")) {
                    state[0] = text(node.get("status").get("phase"));
                    state[1] = text(node.get("status").get("commit"));
                }
            } catch (IOException e) {
                return;
            }
            phase = state[0];
            commit = state[1];
        }
        listener.statusWritten(call.namespace(), call.name(), phase, commit, when);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String client(String userAgent) {
        if (userAgent != null && userAgent.startsWith(BenchApi.AGENT_PREFIX)) {
            return userAgent.substring(BenchApi.AGENT_PREFIX.length());
        }
        return "other";
    }

    /**
     * Verb and resource of a request path: {@code /api/v1/namespaces/ns/services/name} is a get of
     * services, {@code .../previewdeployments/name/status} a patch of previewdeployments/status, a
     * collection GET is a list, {@code ?watch=true} a watch.
     */
    public static Call classify(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        String[] s = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
        int i;
        if (s.length > 0 && s[0].equals("api")) {
            i = 2; // api, v1
        } else if (s.length > 0 && s[0].equals("apis")) {
            i = 3; // apis, group, version
        } else {
            return new Call(method.toLowerCase(), "other", null, null);
        }
        String namespace = null;
        if (s.length > i + 2 && s[i].equals("namespaces")) {
            namespace = s[i + 1];
            i += 2;
        }
        if (s.length <= i) {
            return new Call(verb(method, false, query), "discovery", null, null);
        }
        String resource = s[i];
        String name = s.length > i + 1 ? s[i + 1] : null;
        if (s.length > i + 2) {
            resource = resource + "/" + s[i + 2];
        }
        return new Call(verb(method, name != null, query), resource, namespace, name);
    }

    private static String verb(String method, boolean named, String query) {
        return switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
    }

    public static boolean isWrite(String verb) {
        return switch (verb) {
            case "create", "update", "patch", "delete", "deletecollection" -> true;
            default -> false;
        };
    }

    @Override
    public void expectCustomResource(CustomResourceDefinitionContext context) {
        delegate.expectCustomResource(context);
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }
}
