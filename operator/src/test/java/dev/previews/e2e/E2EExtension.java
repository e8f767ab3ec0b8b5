package dev.previews.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs an end-to-end class against the API server that KUBECONFIG names, or skips it, saying why,
 * when KUBECONFIG is not set. Gives tests the shared {@link E2EEnvironment}, and fails any test
 * during which the API server refused the operator something (HTTP 403): the RBAC lacks a
 * permission the operator needs.
 */
public final class E2EExtension
        implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(E2EExtension.class);
    private static final AtomicBoolean toldSkip = new AtomicBoolean();
    private static final String START = "requests-at-start";
    /** Every end-to-end class; the permission audit runs only when all of them have. */
    static final Set<String> ALL_CLASSES = Set.of(
            "CrdE2E",
            "EventsE2E",
            "ExpiryPrecedenceE2E",
            "FieldOwnershipE2E",
            "IdleE2E",
            "KubectlGetE2E",
            "LifecycleE2E",
            "LivingWithPreviewsE2E",
            "OwnedChildrenE2E",
            "PermissionsE2E",
            "PlansE2E",
            "PodReferencesE2E",
            "RefusedRequestsE2E",
            "SlotHandOverE2E");

    private static final Set<String> RUN = ConcurrentHashMap.newKeySet();

    static Set<String> classesRun() {
        return Set.copyOf(RUN);
    }

    static final String SKIP_MESSAGE =
            "[e2e] SKIPPED: KUBECONFIG is not set. The end-to-end tier runs against the Kubernetes "
                    + "API server a kubeconfig names: export KUBECONFIG=$(../shared/k8s/up.sh --fresh), or point it at a cluster "
                    + "whose nodes are cordoned (see docs/TESTING.md).";

    static boolean configured() {
        String kubeconfig = System.getenv("KUBECONFIG");
        return kubeconfig != null && !kubeconfig.isBlank();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (configured()) {
            return ConditionEvaluationResult.enabled("KUBECONFIG is set");
        }
        if (toldSkip.compareAndSet(false, true)) {
            System.err.println(SKIP_MESSAGE);
        }
        return ConditionEvaluationResult.disabled(SKIP_MESSAGE);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
        RUN.add(context.getRequiredTestClass().getSimpleName());
    }

    static E2EEnvironment environment(ExtensionContext context) {
        return context.getRoot()
                .getStore(STORE)
                .getOrComputeIfAbsent(E2EEnvironment.class, k -> E2EEnvironment.start(), E2EEnvironment.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(STORE).put(START, environment(context).requests().size());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        E2EEnvironment env = environment(context);
        Integer start = context.getStore(STORE).get(START, Integer.class);
        List<OperatorRequests.Request> refused = env.requests().since(start == null ? 0 : start).stream()
                .filter(r -> r.code() == 403 && !env.isRetired(r.namespace()))
                .toList();
        assertThat(refused)
                .as(
                        "requests the API server refused the operator (403) during this test: its RBAC lacks a permission it uses")
                .isEmpty();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == E2EEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return environment(context);
    }
}
