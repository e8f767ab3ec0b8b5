package dev.previews.simulator.kubectl;

import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Requests made over for the mock: another path or query, another body. Each copy has a body of its own,
 * since the mock reads a request's body destructively.
 */
final class Requests {
    private Requests() {}

    /** The request to give the mock: the field selector's terms it understands and nothing else of it. */
    static RecordedRequest forMock(ApiRequest r, FieldSelector selector) {
        if (!selector.filtersHere()) return r.recorded();
        Map<String, String> query = new LinkedHashMap<>(r.query());
        if (selector.forMock().isEmpty()) {
            query.remove("fieldSelector");
        } else {
            query.put("fieldSelector", selector.forMock());
        }
        String encoded = query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return copy(r.recorded(), encoded.isEmpty() ? r.path() : r.path() + "?" + encoded);
    }

    static RecordedRequest withoutQuery(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        return q < 0 ? request : copy(request, path.substring(0, q));
    }

    static RecordedRequest copy(RecordedRequest request, String path) {
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders(),
                new Buffer(
                        request.getBody() == null
                                ? new byte[0]
                                : request.getBody().getBytes()));
    }

    /** The request with a JSON body in place of its own. */
    static RecordedRequest copy(RecordedRequest request, String path, String json) {
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders()
                        .newBuilder()
                        .set("Content-Type", "application/json")
                        .build(),
                new Buffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String contentType(String header) {
        return header == null ? "" : header.split(";")[0].trim().toLowerCase();
    }
}
