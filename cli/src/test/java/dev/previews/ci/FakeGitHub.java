package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that plays GitHub's REST API as documented, for what --github uses: deployments
 * and their statuses, and issue comments, with GitHub Enterprise's path prefix (/api/v3), bearer
 * tokens (401 otherwise), 404 for a repository the token cannot see, 422 for what GitHub validates
 * (a ref that does not look like one, a description over 140 characters, an unknown state),
 * pagination through the Link header (whose next page, as GitHub's often does, uses the
 * /repositories/{id} form of the path), rate-limit headers on every answer, and answers scripted by
 * a test (a 403 with x-ratelimit-remaining: 0, say). Records every request.
 */
final class FakeGitHub implements AutoCloseable {
    static final String TOKEN = "ghs_secret-test-token-0123456789";
    static final String OWNER = "acme";
    static final String REPO = "shop";
    static final String PREFIX = "/api/v3";
    static final long REPO_ID = 4242;
    static final String LIMIT_RESET = "1767225600"; // 2026-01-01T00:00:00Z

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATES =
            Set.of("error", "failure", "inactive", "in_progress", "queued", "pending", "success");
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{7,40}$");

    /** A request as received: method, path below the prefix with its query, headers (lower-case names), JSON body. */
    record Request(String method, String path, Map<String, String> headers, JsonNode body) {
        String line() {
            return method + " " + path;
        }
    }

    record Deployment(long id, String ref, String environment, JsonNode payload, List<JsonNode> statuses) {
        List<String> states() {
            return statuses.stream().map(s -> s.path("state").asText()).toList();
        }
    }

    record Comment(long id, String user, String body) {}

    /** An answer a test scripts for requests whose method and path (below the prefix, with query) match. */
    record Refusal(String method, String pathPrefix, int status, Map<String, String> headers, String body) {}

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong(1000);
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Deployment> deployments = new CopyOnWriteArrayList<>();
    final Map<Integer, List<Comment>> comments = new LinkedHashMap<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();

    FakeGitHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PREFIX);
    }

    /** What a GitHub Actions job has in its environment for this server, plus the given variables. */
    Map<String, String> env(String... more) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_REPOSITORY", OWNER + "/" + REPO);
        env.put("GITHUB_TOKEN", TOKEN);
        env.put("GITHUB_API_URL", apiUrl().toString());
        env.put("GITHUB_SERVER_URL", "https://github.example.com");
        env.put("GITHUB_RUN_ID", "555");
        for (int i = 0; i + 1 < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    synchronized void addComment(int pullRequest, String user, String body) {
        comments.computeIfAbsent(pullRequest, n -> new ArrayList<>())
                .add(new Comment(ids.incrementAndGet(), user, body));
    }

    synchronized List<Comment> comments(int pullRequest) {
        return List.copyOf(comments.getOrDefault(pullRequest, List.of()));
    }

    void refuse(String method, String pathPrefix, int status, Map<String, String> headers, String body) {
        refusals.add(new Refusal(method, pathPrefix, status, headers, body));
    }

    List<String> lines() {
        return requests.stream().map(Request::line).toList();
    }

    void reset() {
        requests.clear();
        refusals.clear();
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (!closed) server.stop(0);
        closed = true;
    }

    // ---- the API ---------------------------------------------------------------------------------

    private static final Pattern REPOSITORY =
            Pattern.compile("^/(?:repos/([^/]+)/([^/]+)|repositories/([0-9]+))(/.*)$");

    private synchronized void handle(HttpExchange x) throws IOException {
        try (x) {
            String raw = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            String bodyText = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            JsonNode body = bodyText.isBlank() ? null : JSON.readTree(bodyText);
            String path = raw.startsWith(PREFIX) ? raw.substring(PREFIX.length()) : raw;
            String shown = path + (query == null ? "" : "?" + query);
            requests.add(new Request(x.getRequestMethod(), shown, headers, body));
            for (Refusal r : refusals) {
                if (r.method().equals(x.getRequestMethod()) && shown.startsWith(r.pathPrefix())) {
                    r.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
                    send(x, r.status(), r.body());
                    return;
                }
            }
            if (!raw.startsWith(PREFIX)) {
                send(x, 404, error("Not Found"));
                return;
            }
            if (!("Bearer " + TOKEN).equals(headers.get("authorization"))) {
                send(x, 401, error("Bad credentials"));
                return;
            }
            Matcher m = REPOSITORY.matcher(path);
            boolean ours = m.matches()
                    && ((OWNER.equals(m.group(1)) && REPO.equals(m.group(2)))
                            || String.valueOf(REPO_ID).equals(m.group(3)));
            if (!ours) {
                send(x, 404, error("Not Found"));
                return;
            }
            route(x, x.getRequestMethod(), m.group(4), query(query), body);
        }
    }

    private void route(HttpExchange x, String method, String rest, Map<String, String> query, JsonNode body)
            throws IOException {
        Matcher m;
        if (rest.equals("/deployments") && method.equals("POST")) {
            String ref = body == null ? "" : body.path("ref").asText("");
            if (!SHA.matcher(ref).matches()) {
                send(x, 422, error("No ref found for: " + ref));
                return;
            }
            Deployment d = new Deployment(
                    ids.incrementAndGet(),
                    ref,
                    body.path("environment").asText("production"),
                    body,
                    new CopyOnWriteArrayList<>());
            deployments.add(d);
            send(x, 201, deploymentJson(d).toString());
        } else if (rest.equals("/deployments") && method.equals("GET")) {
            List<JsonNode> matching = new ArrayList<>();
            for (int i = deployments.size() - 1; i >= 0; i--) { // newest first
                Deployment d = deployments.get(i);
                if (query.get("environment") == null || query.get("environment").equals(d.environment())) {
                    matching.add(deploymentJson(d));
                }
            }
            page(x, "/deployments", query, matching);
        } else if ((m = Pattern.compile("^/deployments/([0-9]+)/statuses$").matcher(rest)).matches()
                && method.equals("POST")) {
            long id = Long.parseLong(m.group(1));
            Deployment d =
                    deployments.stream().filter(e -> e.id() == id).findFirst().orElse(null);
            if (d == null) {
                send(x, 404, error("Not Found"));
            } else if (body == null || !STATES.contains(body.path("state").asText())) {
                send(x, 422, validation("state", "invalid"));
            } else if (body.path("description").asText("").length() > 140) {
                send(x, 422, validation("description", "description is too long (maximum is 140 characters)"));
            } else {
                d.statuses().add(body);
                ObjectNode answer = ((ObjectNode) body.deepCopy()).put("id", ids.incrementAndGet());
                send(x, 201, answer.toString());
            }
        } else if ((m = Pattern.compile("^/issues/([0-9]+)/comments$").matcher(rest)).matches()) {
            int number = Integer.parseInt(m.group(1));
            if (method.equals("GET")) {
                List<JsonNode> items = new ArrayList<>();
                for (Comment c : comments.getOrDefault(number, List.of())) items.add(commentJson(c));
                page(x, "/issues/" + number + "/comments", query, items);
            } else if (method.equals("POST")) {
                Comment c = new Comment(
                        ids.incrementAndGet(),
                        "github-actions[bot]",
                        body.path("body").asText());
                comments.computeIfAbsent(number, n -> new ArrayList<>()).add(c);
                send(x, 201, commentJson(c).toString());
            } else {
                send(x, 404, error("Not Found"));
            }
        } else if ((m = Pattern.compile("^/issues/comments/([0-9]+)$").matcher(rest)).matches()
                && method.equals("PATCH")) {
            long id = Long.parseLong(m.group(1));
            for (List<Comment> list : comments.values()) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).id() == id) {
                        Comment updated = new Comment(
                                id, list.get(i).user(), body.path("body").asText());
                        list.set(i, updated);
                        send(x, 200, commentJson(updated).toString());
                        return;
                    }
                }
            }
            send(x, 404, error("Not Found"));
        } else {
            send(x, 404, error("Not Found"));
        }
    }

    /** One page of a list as GitHub serves it: per_page (default 30, at most 100), page, and a Link header. */
    private void page(HttpExchange x, String rest, Map<String, String> query, List<JsonNode> items) throws IOException {
        int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30")));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        int last = Math.max(1, (items.size() + perPage - 1) / perPage);
        ArrayNode answer = JSON.createArrayNode();
        items.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(answer::add);
        List<String> links = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>(query);
        kept.remove("page");
        StringBuilder base = new StringBuilder(apiUrl() + "/repositories/" + REPO_ID + rest + "?");
        kept.forEach((k, v) -> base.append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        if (page < last) links.add("<" + base + "page=" + (page + 1) + ">; rel=\"next\"");
        if (page < last) links.add("<" + base + "page=" + last + ">; rel=\"last\"");
        if (page > 1) links.add("<" + base + "page=1>; rel=\"first\"");
        if (page > 1) links.add("<" + base + "page=" + (page - 1) + ">; rel=\"prev\"");
        if (!links.isEmpty()) x.getResponseHeaders().add("Link", String.join(", ", links));
        send(x, 200, answer.toString());
    }

    private ObjectNode deploymentJson(Deployment d) {
        ObjectNode o = JSON.createObjectNode()
                .put("id", d.id())
                .put("url", apiUrl() + "/repos/" + OWNER + "/" + REPO + "/deployments/" + d.id())
                .put("sha", d.ref())
                .put("ref", d.ref())
                .put("task", "deploy")
                .put("environment", d.environment())
                .put(
                        "transient_environment",
                        d.payload().path("transient_environment").asBoolean(false));
        o.set("payload", JSON.createObjectNode());
        return o;
    }

    private ObjectNode commentJson(Comment c) {
        ObjectNode o = JSON.createObjectNode()
                .put("id", c.id())
                .put("body", c.body())
                .put("html_url", "https://github.example.com/" + OWNER + "/" + REPO + "/pull/1#issuecomment-" + c.id());
        o.putObject("user").put("login", c.user());
        return o;
    }

    private static String error(String message) {
        return JSON.createObjectNode()
                .put("message", message)
                .put("documentation_url", "https://docs.github.com/rest")
                .toString();
    }

    private static String validation(String field, String message) {
        ObjectNode o = JSON.createObjectNode().put("message", "Validation Failed");
        o.putArray("errors")
                .addObject()
                .put("resource", "DeploymentStatus")
                .put("code", "custom")
                .put("field", field)
                .put("message", message);
        return o.put("documentation_url", "https://docs.github.com/rest").toString();
    }

    private int remaining = 5000;

    private void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var h = x.getResponseHeaders();
        h.putIfAbsent("Content-Type", List.of("application/json; charset=utf-8"));
        h.putIfAbsent("x-ratelimit-limit", List.of("5000"));
        h.putIfAbsent("x-ratelimit-remaining", List.of(String.valueOf(Math.max(0, --remaining))));
        h.putIfAbsent("x-ratelimit-reset", List.of(LIMIT_RESET));
        h.putIfAbsent("x-ratelimit-resource", List.of("core"));
        h.putIfAbsent("X-GitHub-Api-Version-Selected", List.of(GitHubApi.API_VERSION));
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) x.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }
}
