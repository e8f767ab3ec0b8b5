package dev.previews.lifecycle;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.Admission;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the lifecycle of one preview is decided from, as observed at one instant: the preview
 * (spec, metadata and the status last written), its plan or why there is none, its children in the
 * informers' caches, whether its namespace is being deleted, the admission ledger's answer, who holds
 * its branch, what a failed seed printed, and the time. No decision reads anything else.
 *
 * @param seedOutput what a failed seed Job printed last (read when a decision asks: it costs a request)
 * @param verified which child versions were last seen to hold what (see {@link Verified})
 */
public record Observed(
        PreviewDeployment preview,
        PlanChoice plan,
        Children children,
        boolean namespaceTerminating,
        Admission.Decision slot,
        Optional<String> branchHolder,
        SeedOutput seedOutput,
        Verified verified,
        OperatorConfig config,
        Instant now) {

    /** The plan of the preview's namespace: its label, else the default plan; empty when unknown. */
    public record PlanChoice(String name, Optional<Plan> plan) {
        public static PlanChoice of(OperatorConfig config, String label) {
            String name = label == null || label.isBlank() ? config.defaultPlan() : label;
            return new PlanChoice(name, config.plan(name));
        }

        /** What the plan gives every preview's pods ({@link PodDefaults#NONE} without a plan). */
        public PodDefaults podDefaults() {
            return plan.map(Plan::defaults).orElse(PodDefaults.NONE);
        }
    }

    /**
     * The preview's children as the informers' caches hold them: its backend Deployments (one, or two
     * during a BlueGreen rollover), its Services (its own, and a rollover's per-commit one), its Ingress
     * (null when absent) and its seed Jobs.
     */
    public record Children(List<Deployment> deployments, List<Service> services, Ingress ingress, List<Job> seedJobs) {
        public static final Children NONE = new Children(List.of(), List.of(), null, List.of());

        /** One Deployment and one Service at most (each null when absent). */
        public static Children of(Deployment deployment, Service service, Ingress ingress, List<Job> seedJobs) {
            return new Children(
                    deployment == null ? List.of() : List.of(deployment),
                    service == null ? List.of() : List.of(service),
                    ingress,
                    seedJobs);
        }

        /**
         * The backend Deployment of a commit (null when none): one not being deleted when there is one,
         * else the one on its way out.
         */
        public Deployment deployment(String commit) {
            if (commit == null) return null;
            Deployment leaving = null;
            for (Deployment d : deployments) {
                if (!commit.equals(commitOf(d))) continue;
                if (d.getMetadata().getDeletionTimestamp() == null) return d;
                leaving = d;
            }
            return leaving;
        }

        /** The Service of that name (null when absent). */
        public Service service(String name) {
            return services.stream()
                    .filter(s -> name.equals(s.getMetadata().getName()))
                    .findFirst()
                    .orElse(null);
        }

        static String commitOf(HasMetadata object) {
            Map<String, String> labels = object.getMetadata().getLabels();
            return labels == null ? null : labels.get(PreviewNames.LABEL_COMMIT);
        }
    }

    /** The termination message of a seed Job's last pod ("" when there is none). */
    @FunctionalInterface
    public interface SeedOutput {
        String of(String jobName);

        SeedOutput NONE = jobName -> "";
    }

    /**
     * Whether a version of a child was last seen to hold what the preview wanted ({@code wanted} names
     * everything the desired child is made from): then it need not be built and compared again.
     */
    @FunctionalInterface
    public interface Verified {
        boolean holds(HasMetadata child, String wanted);

        Verified NOTHING = (child, wanted) -> false;
    }

    public String namespace() {
        return preview.getMetadata().getNamespace();
    }

    public String name() {
        return preview.getMetadata().getName();
    }

    public boolean deleting() {
        return preview.getMetadata().getDeletionTimestamp() != null;
    }
}
