package dev.previews.e2e;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Every request the operator's own client sends and the status the API server answers: installed as
 * an interceptor on the operator's HTTP client, so the tier sees exactly what the operator does
 * (writes while idle, 409 conflicts, 403 refusals, the permissions it exercised).
 */
public final class OperatorRequests implements Interceptor {

    /** One request: when, method, path (with query), HTTP status, and the RBAC permission it needs. */
    public record Request(
            Instant at, String method, String path, String query, int code, String namespace, String permission) {
        public boolean isWrite() {
            return !"GET".equals(method) && !"HEAD".equals(method);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " -> " + code;
        }
    }

    private final List<Request> requests = new ArrayList<>();

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        record(request, response.code());
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        record(request, -1);
    }

    private void record(HttpRequest request, int code) {
        URI uri = request.uri();
        String[] parsed = parse(request.method(), uri.getRawPath(), uri.getRawQuery());
        synchronized (requests) {
            requests.add(new Request(
                    Instant.now(), request.method(), uri.getRawPath(), uri.getRawQuery(), code, parsed[0], parsed[1]));
        }
    }

    /** A snapshot of all requests so far. */
    public List<Request> all() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public int size() {
        synchronized (requests) {
            return requests.size();
        }
    }

    /** Requests from index {@code from} on (an index taken earlier with {@link #size()}). */
    public List<Request> since(int from) {
        synchronized (requests) {
            return List.copyOf(requests.subList(from, requests.size()));
        }
    }

    public List<Request> matching(Predicate<Request> which) {
        return all().stream().filter(which).toList();
    }

    public static List<Request> writes(List<Request> requests) {
        return requests.stream().filter(Request::isWrite).toList();
    }

    /** The permissions the operator exercised with an answer other than 403. */
    public Set<String> permissionsUsed() {
        Set<String> used = new TreeSet<>();
        all().stream().filter(r -> r.permission() != null && r.code() != 403).forEach(r -> used.add(r.permission()));
        return used;
    }

    public static String permission(String group, String resource, String verb) {
        return (group.isEmpty() ? "core" : group) + "/" + resource + " " + verb;
    }

    /** [namespace, permission] of a request path, either null when it does not name an API resource. */
    static String[] parse(String method, String path, String query) {
        String[] s = path.replaceFirst("^/", "").split("/");
        String group;
        int rest;
        if (s.length >= 2 && s[0].equals("api")) {
            group = "";
            rest = 2;
        } else if (s.length >= 3 && s[0].equals("apis")) {
            group = s[1];
            rest = 3;
        } else {
            return new String[] {null, null};
        }
        List<String> r = new ArrayList<>(List.of(s).subList(rest, s.length));
        if (r.isEmpty()) return new String[] {null, null};
        String namespace = null;
        if (r.get(0).equals("namespaces") && r.size() >= 3) {
            namespace = r.get(1);
            r = r.subList(2, r.size());
        }
        String resource = r.get(0);
        String name = r.size() > 1 ? r.get(1) : null;
        if (resource.equals("namespaces") && name != null) namespace = name;
        if (r.size() > 2) resource = resource + "/" + r.get(2);
        boolean watch = query != null && List.of(query.split("&")).contains("watch=true");
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        return new String[] {namespace, permission(group, resource, verb)};
    }
}
