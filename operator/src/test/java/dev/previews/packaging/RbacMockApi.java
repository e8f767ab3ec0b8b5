package dev.previews.packaging;

import dev.previews.simulator.MockApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The CRUD mock API with RBAC enforced for one client, as a real API server enforces it: requests
 * carrying the operator's token are authorized against the given manifests' Roles and bindings for
 * the operator's ServiceAccount (403 otherwise), and answered by the CRUD mock when allowed; other
 * clients (the test's) are admins. SelfSubjectRulesReviews, which every authenticated user may
 * create, are answered from the same rules, as java-operator-sdk's leader election asks for them.
 */
public final class RbacMockApi implements AutoCloseable {
    public static final String OPERATOR_TOKEN = "operator-token";

    private final KubernetesMockServer server;
    private final KubernetesClient admin;
    private final Dispatcher dispatcher;

    public RbacMockApi(List<GenericKubernetesResource> rbacManifests, String saNamespace, String saName) {
        this.dispatcher = new Dispatcher(new Rbac(rbacManifests, saNamespace, saName));
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.admin = server.createClient();
        MockApi.installCrd(server, admin);
    }

    /** The API with the RBAC of deploy/ for the ServiceAccount preview-operator/preview-operator. */
    public static RbacMockApi withDeployRbac() {
        return new RbacMockApi(Manifests.objects(Manifests.DEPLOY), "preview-operator", "preview-operator");
    }

    /** A client authenticating as the operator's ServiceAccount. */
    public KubernetesClient operatorClient(String defaultNamespace) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl("http://" + server.getHostName() + ":" + server.getPort())
                .withOauthToken(OPERATOR_TOKEN)
                .withNamespace(defaultNamespace)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public KubernetesClient admin() {
        return admin;
    }

    /** What the operator's client asked for (authorization's view), allowed or not, in order. */
    public List<Rbac.Request> operatorRequests() {
        synchronized (dispatcher.seen) {
            return new ArrayList<>(dispatcher.seen);
        }
    }

    /**
     * Refuses the operator's requests that match, as if its role lacked them (a platform team changed
     * the RBAC), on top of the manifests' rules; {@code r -> false} lifts it again.
     */
    public void refuseAlso(Predicate<Rbac.Request> refused) {
        dispatcher.refusedAlso = refused;
    }

    /** The operator's requests RBAC refused. */
    public Set<Rbac.Request> denied() {
        synchronized (dispatcher.denied) {
            return new LinkedHashSet<>(dispatcher.denied);
        }
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
    }

    /** Maps a request to what the authorizer sees: verb, API group, resource[/subresource], namespace, name. */
    static Rbac.Request authorizationView(String method, String rawPath) {
        int q = rawPath.indexOf('?');
        String path = q < 0 ? rawPath : rawPath.substring(0, q);
        String query = q < 0 ? "" : URLDecoder.decode(rawPath.substring(q + 1), StandardCharsets.UTF_8);
        List<String> s =
                Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
        if (s.isEmpty() || !(s.get(0).equals("api") || s.get(0).equals("apis"))) return null;
        boolean core = s.get(0).equals("api");
        int start = core ? 2 : 3;
        if (s.size() <= start) return null; // discovery
        String group = core ? "" : s.get(1);
        List<String> rest = s.subList(start, s.size());
        String namespace = null;
        String resource;
        String name = null;
        String sub = null;
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            namespace = rest.get(1);
            resource = rest.get(2);
            if (rest.size() > 3) name = rest.get(3);
            if (rest.size() > 4) sub = rest.get(4);
        } else {
            resource = rest.get(0);
            if (rest.size() > 1) name = rest.get(1);
            if (rest.size() > 2) sub = rest.get(2);
        }
        boolean watch = Arrays.asList(query.split("&")).contains("watch=true");
        String verb = switch (method) {
            case "GET" -> name != null ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new Rbac.Request(verb, group, sub == null ? resource : resource + "/" + sub, namespace, name);
    }

    private static final class Dispatcher extends KubernetesCrudDispatcher {
        private final Rbac rbac;
        final List<Rbac.Request> seen = Collections.synchronizedList(new ArrayList<>());
        final Set<Rbac.Request> denied = Collections.synchronizedSet(new LinkedHashSet<>());
        volatile Predicate<Rbac.Request> refusedAlso = r -> false;

        Dispatcher(Rbac rbac) {
            super(List.of());
            this.rbac = rbac;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeader("Authorization");
            boolean operator = auth != null && auth.equals("Bearer " + OPERATOR_TOKEN);
            Rbac.Request r = authorizationView(request.getMethod(), request.getPath());
            if (r != null
                    && r.group().equals("authorization.k8s.io")
                    && r.resource().equals("selfsubjectrulesreviews")) {
                return rulesReview(request, operator);
            }
            if (operator && r != null) {
                seen.add(r);
                if (!rbac.allows(r) || refusedAlso.test(r)) {
                    denied.add(r);
                    return new MockResponse()
                            .setResponseCode(403)
                            .setHeader("Content-Type", "application/json")
                            .setBody("""
              {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Forbidden","code":403,\
              "message":"forbidden by the test's RBAC: %s"}""".formatted(r));
                }
            }
            return super.dispatch(request);
        }

        private MockResponse rulesReview(RecordedRequest request, boolean operator) {
            SelfSubjectRulesReview review =
                    Manifests.JSON.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
            List<ResourceRule> rules = operator
                    ? rbac.rulesIn(review.getSpec().getNamespace()).stream()
                            .map(p -> new ResourceRuleBuilder()
                                    .withApiGroups(p.getApiGroups())
                                    .withResources(p.getResources())
                                    .withResourceNames(p.getResourceNames())
                                    .withVerbs(p.getVerbs())
                                    .build())
                            .toList()
                    : List.of(new ResourceRuleBuilder()
                            .withApiGroups("*")
                            .withResources("*")
                            .withVerbs("*")
                            .build());
            review.setStatus(new SubjectRulesReviewStatusBuilder()
                    .withIncomplete(false)
                    .withResourceRules(rules)
                    .withNonResourceRules(List.of())
                    .build());
            return new MockResponse()
                    .setResponseCode(201)
                    .setHeader("Content-Type", "application/json")
                    .setBody(Manifests.JSON.asJson(review));
        }
    }
}
