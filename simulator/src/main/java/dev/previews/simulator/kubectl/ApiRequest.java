package dev.previews.simulator.kubectl;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request to the API, taken apart: its method, path and query, and for a resource path
 * ({@code /api/v1/namespaces/NS/PLURAL/NAME/SUBRESOURCE}, {@code /apis/GROUP/VERSION/...}) the parts.
 * {@code group} is empty for the core group; {@code plural} is null for a path that names no resource
 * ({@code /api/v1}, {@code /apis/GROUP/VERSION}), and {@code version} too for {@code /api}, {@code /apis}
 * and every other path. {@code bodyBytes} is the request's body, read before anything else reads it.
 */
record ApiRequest(
        RecordedRequest recorded,
        String method,
        String path,
        Map<String, String> query,
        String group,
        String version,
        String namespace,
        String plural,
        String name,
        String subresource,
        byte[] bodyBytes) {

    static ApiRequest of(RecordedRequest recorded) {
        String target = recorded.getPath();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : query(target.substring(q + 1));
        String method = recorded.getMethod();
        // read once, here: the mock reads a request's body destructively, and answers may need it after that
        byte[] bytes =
                recorded.getBody() == null ? new byte[0] : recorded.getBody().getBytes();
        List<String> parts =
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int at;
        String group;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            at = 1;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            at = 2;
        } else {
            return new ApiRequest(recorded, method, path, query, null, null, null, null, null, null, bytes);
        }
        String version = parts.get(at);
        List<String> rest = parts.subList(at + 1, parts.size());
        String namespace = null;
        boolean namespaceSubresource =
                rest.size() == 3 && Set.of("status", "finalize").contains(rest.get(2));
        if (rest.size() >= 3 && rest.get(0).equals("namespaces") && !namespaceSubresource) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        return new ApiRequest(
                recorded,
                method,
                path,
                query,
                group,
                version,
                namespace,
                rest.isEmpty() ? null : rest.get(0),
                rest.size() > 1 ? rest.get(1) : null,
                rest.size() > 2 ? rest.get(2) : null,
                bytes);
    }

    String header(String name) {
        return recorded.getHeader(name);
    }

    String param(String name) {
        return query.get(name);
    }

    boolean isResource() {
        return plural != null;
    }

    boolean isWatch() {
        return "true".equals(param("watch")) || "1".equals(param("watch"));
    }

    /** Whether the client asked for the Table form ({@code kubectl get} without {@code -o}). */
    boolean wantsTable() {
        String accept = header("Accept");
        return accept != null && accept.contains("as=Table");
    }

    String body() {
        return recorded.getBody() == null ? "" : new String(recorded.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(decode(key), decode(value));
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
