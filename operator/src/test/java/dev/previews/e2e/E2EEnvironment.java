package dev.previews.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.CrdFinisher;
import dev.previews.api.PreviewDeployment;
import dev.previews.operator.PreviewOperator;
import dev.previews.policy.ExpiryPolicy;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.policy.PodDefaults;
import dev.previews.testing.FailedReconciles;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end tier's world, set up once per test JVM: the API server KUBECONFIG names, the CRD
 * as the build generated it (target/classes/crd), the operator's RBAC ({@link OperatorRbac}), a
 * token for its ServiceAccount from the TokenRequest API, the operator running in this JVM with a
 * client that authenticates with that token only (so every missing permission is a 403 the tier
 * sees), the {@link FakeKubelet}, and a log of every request the operator's client makes.
 */
public final class E2EEnvironment implements ExtensionContext.Store.CloseableResource {
    private static final Logger log = LoggerFactory.getLogger(E2EEnvironment.class);

    /** Bound for anything that involves the operator and the controllers (a slow, shared machine). */
    public static final Duration WAIT = Duration.ofSeconds(90);

    public static final Duration POLL = Duration.ofMillis(200);

    /** Short-TTL plans of the tier; a namespace picks one with its previews.dev/plan label. */
    public static final Duration EXPIRY_TTL = Duration.ofSeconds(12);

    public static final Plan EXPIRE_DELETE = new Plan("e2e-expire-delete", EXPIRY_TTL, 10, ExpiryPolicy.Delete);
    public static final Plan EXPIRE_DEPROVISION =
            new Plan("e2e-expire-deprovision", EXPIRY_TTL, 10, ExpiryPolicy.Deprovision);
    public static final Plan LIMIT_TWO = new Plan("e2e-limit-two", Duration.ofDays(1), 2, ExpiryPolicy.Delete);
    /** Expiry after the preview was put into another state first (ExpiryPrecedenceE2E). */
    public static final Duration LATER_TTL = Duration.ofSeconds(25);

    public static final Plan LATER_DELETE = new Plan("e2e-later-delete", LATER_TTL, 10, ExpiryPolicy.Delete);
    public static final Plan LATER_DEPROVISION =
            new Plan("e2e-later-deprovision", LATER_TTL, 10, ExpiryPolicy.Deprovision);
    /** One slot, three minutes: a preview's own spec.ttl (1m) expires it first (ExpiryPrecedenceE2E). */
    public static final Plan ONE_SLOT_LONG =
            new Plan("e2e-one-slot-long", Duration.ofMinutes(3), 1, ExpiryPolicy.Deprovision);
    /** One slot each, short-lived (SlotHandOverE2E). */
    public static final Plan ONE_SLOT_DEPROVISION =
            new Plan("e2e-one-slot-deprovision", Duration.ofSeconds(20), 1, ExpiryPolicy.Deprovision);

    public static final Plan ONE_SLOT_DELETE =
            new Plan("e2e-one-slot-delete", Duration.ofSeconds(20), 1, ExpiryPolicy.Delete);
    /** Sleep after 20 s without activity (LivingWithPreviewsE2E). */
    public static final Plan SLEEPY = new Plan("e2e-sleepy", Duration.ofMinutes(10), 10, ExpiryPolicy.Deprovision)
            .withSleepAfter(Duration.ofSeconds(20));
    /** Warned 20 s before a 30 s expiry, extensible to 2 minutes (LivingWithPreviewsE2E). */
    public static final Plan WARNED = new Plan("e2e-warned", Duration.ofSeconds(30), 10, ExpiryPolicy.Deprovision)
            .withWarnBefore(Duration.ofSeconds(20))
            .withMaxTtl(Duration.ofMinutes(2));

    /**
     * Defaults for every preview's pods (PodReferencesE2E), with quantities the API server writes back
     * in canonical form (0.1 -> 100m, 0.5Gi -> 512Mi).
     */
    public static final Plan WITH_DEFAULTS = new Plan(
                    "e2e-with-defaults", Duration.ofMinutes(10), 10, ExpiryPolicy.Deprovision)
            .withDefaults(new PodDefaults(
                    List.of(new EnvVar("LOG_LEVEL", "info", null), new EnvVar("REGION", "eu-west-1", null)),
                    List.of(new EnvFromSourceBuilder()
                            .withNewConfigMapRef("preview-base", true)
                            .build()),
                    List.of(new LocalObjectReference("registry-cred")),
                    new ResourceRequirementsBuilder()
                            .addToRequests("cpu", new Quantity("0.1"))
                            .addToLimits("memory", new Quantity("0.5Gi"))
                            .build(),
                    new ResourceRequirementsBuilder()
                            .addToLimits("memory", new Quantity("128Mi"))
                            .build()));

    public static final String CRD_NAME = "previewdeployments.previews.dev";

    private final KubernetesClient admin;
    private final OperatorRbac rbac;
    private final CustomResourceDefinition crd;
    private final OperatorRequests requests = new OperatorRequests();
    private final Map<ResourceID, AtomicInteger> reconciles = new ConcurrentHashMap<>();
    private final FailedReconciles failedReconciles = new FailedReconciles();
    private final FakeKubelet kubelet;
    private final String token;
    private final KubernetesClient operatorClient;
    private final PreviewOperator operator;
    private final Duration startup;
    private final Set<String> retired = ConcurrentHashMap.newKeySet();

    private E2EEnvironment(KubernetesClient admin) {
        Instant begin = Instant.now();
        this.admin = admin;
        requireNoKubelets();
        this.crd = installCrd(admin);
        this.rbac = OperatorRbac.load(admin);
        rbac.install(admin);
        this.token = tokenFor(
                rbac.serviceAccount().getMetadata().getNamespace(),
                rbac.serviceAccount().getMetadata().getName());
        this.operatorClient = clientWithToken(token, b -> b.addOrReplaceInterceptor("e2e-requests", requests));
        this.kubelet = new FakeKubelet(admin).start();
        OperatorConfig config = OperatorConfig.defaults()
                .withPlan(EXPIRE_DELETE)
                .withPlan(EXPIRE_DEPROVISION)
                .withPlan(LIMIT_TWO)
                .withPlan(LATER_DELETE)
                .withPlan(LATER_DEPROVISION)
                .withPlan(ONE_SLOT_LONG)
                .withPlan(ONE_SLOT_DEPROVISION)
                .withPlan(ONE_SLOT_DELETE)
                .withPlan(SLEEPY)
                .withPlan(WARNED)
                .withPlan(WITH_DEFAULTS);
        this.operator = new PreviewOperator(
                        operatorClient,
                        config,
                        Clock.systemUTC(),
                        o -> o.withMetrics(new Metrics() {
                            @Override
                            public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
                                reconciles
                                        .computeIfAbsent(ResourceID.fromResource(resource), k -> new AtomicInteger())
                                        .incrementAndGet();
                            }

                            @Override
                            public void failedReconciliation(
                                    HasMetadata resource, Exception exception, Map<String, Object> metadata) {
                                failedReconciles.add(resource, exception);
                            }
                        }))
                .start();
        this.startup = Duration.between(begin, Instant.now());
        log.info("e2e environment ready in {} ms against {}", startup.toMillis(), admin.getMasterUrl());
        System.err.printf(
                "[e2e] against %s (Kubernetes %s.%s); CRD, RBAC and operator (as %s) ready in %d ms%n",
                admin.getMasterUrl(),
                admin.getKubernetesVersion().getMajor(),
                admin.getKubernetesVersion().getMinor(),
                serviceAccountUser(),
                startup.toMillis());
    }

    /** Connects to the API server KUBECONFIG names and sets everything up. */
    static E2EEnvironment start() {
        KubernetesClient admin = new KubernetesClientBuilder().build();
        try {
            admin.getKubernetesVersion();
        } catch (RuntimeException e) {
            admin.close();
            throw new IllegalStateException(
                    "[e2e] cannot reach the API server of KUBECONFIG=" + System.getenv("KUBECONFIG") + ": "
                            + e.getMessage() + " (in CI: ../shared/k8s/up.sh --fresh prints a kubeconfig)",
                    e);
        }
        return new E2EEnvironment(admin);
    }

    // ---- set-up ------------------------------------------------------------------------------

    /**
     * The tier writes Pod statuses itself; a cluster with schedulable nodes has kubelets that would
     * write them too. Against kind or k3d, cordon the nodes first (kubectl cordon NODE...).
     */
    private void requireNoKubelets() {
        List<String> schedulable = admin.nodes().list().getItems().stream()
                .filter(n ->
                        n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .map(Node::getMetadata)
                .map(m -> m.getName())
                .toList();
        if (!schedulable.isEmpty()) {
            throw new IllegalStateException(
                    "[e2e] the cluster has schedulable nodes " + schedulable + ": their kubelets would "
                            + "run the tier's pods while the tier plays the kubelet itself. Cordon them first: kubectl cordon "
                            + String.join(" ", schedulable));
        }
    }

    /**
     * The CRD the build generated from the model (the api module's classes in the reactor), so that a
     * changed model is what gets tested.
     */
    public static CustomResourceDefinition builtCrd() {
        return CrdFinisher.load();
    }

    /** Installs the built CRD (or updates it) and waits until the API server serves it; the fault tier too. */
    public static CustomResourceDefinition installCrd(KubernetesClient admin) {
        CustomResourceDefinition built = builtCrd();
        admin.apiextensions().v1().customResourceDefinitions().resource(built).createOr(NonDeletingOperation::update);
        await("CRD " + CRD_NAME + " established")
                .atMost(WAIT)
                .pollInterval(POLL)
                .until(() -> {
                    CustomResourceDefinition c = admin.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(CRD_NAME)
                            .get();
                    return c != null
                            && c.getStatus() != null
                            && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                                    .anyMatch(cond ->
                                            "Established".equals(cond.getType()) && "True".equals(cond.getStatus()));
                });
        return built;
    }

    private String tokenFor(String namespace, String serviceAccount) {
        return admin.serviceAccounts()
                .inNamespace(namespace)
                .withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(4 * 3600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
    }

    /** A client for the same API server that authenticates with this bearer token and nothing else. */
    private KubernetesClient clientWithToken(String bearer, Consumer<HttpClient.Builder> http) {
        Config base = admin.getConfiguration();
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(base.getMasterUrl())
                .withCaCertFile(base.getCaCertFile())
                .withCaCertData(base.getCaCertData())
                .withTrustCerts(base.isTrustCerts())
                .withDisableHostnameVerification(base.isDisableHostnameVerification())
                .withOauthToken(bearer)
                .withRequestTimeout(base.getRequestTimeout())
                .withConnectionTimeout(base.getConnectionTimeout())
                .build();
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientBuilderConsumer(http)
                .build();
    }

    /** Another client with the operator's identity (for checks that must not count as the operator's requests). */
    public KubernetesClient clientAsOperator() {
        return clientWithToken(token, b -> {});
    }

    public String serviceAccountUser() {
        return "system:serviceaccount:" + rbac.serviceAccount().getMetadata().getNamespace() + ":"
                + rbac.serviceAccount().getMetadata().getName();
    }

    // ---- what tests use ------------------------------------------------------------------------

    public KubernetesClient admin() {
        return admin;
    }

    public FakeKubelet kubelet() {
        return kubelet;
    }

    public OperatorRequests requests() {
        return requests;
    }

    public OperatorRbac rbac() {
        return rbac;
    }

    public CustomResourceDefinition crd() {
        return crd;
    }

    public Duration startup() {
        return startup;
    }
    /**
     * The failed reconciles of previews in one namespace, so that a test is not judged by another's
     * previews (see {@link FailedReconciles}).
     */
    public List<String> failedReconciles(String namespace) {
        return failedReconciles.in(namespace);
    }

    /** Marks a namespace as being deleted by the tier: refusals to write into it are expected. */
    void retire(String namespace) {
        retired.add(namespace);
    }

    public boolean isRetired(String namespace) {
        return namespace != null && retired.contains(namespace);
    }

    public int reconcileCount(String namespace, String name) {
        AtomicInteger n = reconciles.get(new ResourceID(name, namespace));
        return n == null ? 0 : n.get();
    }

    /**
     * A fresh namespace for a scenario, labelled with a plan (null: the default plan), whose Pods the
     * fake kubelet runs; closing it deletes it and waits until it is gone.
     */
    public TestNamespace namespace(String scenario, Plan plan) {
        return TestNamespace.create(this, scenario, plan == null ? null : plan.name());
    }

    public static PreviewDeployment assertStatus(PreviewDeployment p) {
        assertThat(p).as("preview").isNotNull();
        assertThat(p.getStatus())
                .as("status of preview " + p.getMetadata().getName())
                .isNotNull();
        return p;
    }

    @Override
    public void close() {
        try {
            operator.close();
        } finally {
            kubelet.close();
            operatorClient.close();
            admin.close();
        }
    }
}
