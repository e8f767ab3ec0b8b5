package dev.previews.faults;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a fault class against the local control plane of {@code ../shared/k8s} (KUBECONFIG set, and
 * K8S_HOME, API_PORT, ETCD_PORT naming the running processes), or skips it saying why. Gives tests the
 * shared {@link FaultCluster}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FaultTier.Extension.class)
@interface FaultTier {
    final class Extension implements ExecutionCondition, ParameterResolver {
        private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(FaultTier.class);
        private static final AtomicBoolean told = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = whyNot();
            if (why == null) return ConditionEvaluationResult.enabled("the local control plane is up");
            String message = "[faults] SKIPPED: " + why;
            if (told.compareAndSet(false, true)) System.err.println(message);
            return ConditionEvaluationResult.disabled(message);
        }

        private static String whyNot() {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || kubeconfig.isBlank()) {
                return "KUBECONFIG is not set. The fault tier stops, freezes and restarts the processes of the "
                        + "control plane that ../shared/k8s/up.sh started: export KUBECONFIG=$(../shared/k8s/up.sh --fresh), "
                        + "with K8S_HOME, API_PORT and ETCD_PORT as up.sh had them (see docs/TESTING.md).";
            }
            if (!Files.isRegularFile(OperatorReplica.JAR)) {
                return OperatorReplica.JAR + " is missing: run the tier with mvn verify, which packages it first.";
            }
            ControlPlane plane = ControlPlane.fromEnvironment();
            String problem = plane.problem();
            return problem == null ? null : "the " + plane + " cannot be used: " + problem;
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == FaultCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(STORE)
                    .getOrComputeIfAbsent(
                            FaultCluster.class,
                            k -> FaultCluster.start(ControlPlane.fromEnvironment()),
                            FaultCluster.class);
        }
    }
}
