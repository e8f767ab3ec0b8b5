package dev.previews.faults;

import static dev.previews.api.Conditions.PROVISIONED;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What "converged" means for a namespace once the faults and the load have stopped, read from the
 * API server: each branch has one claimant and the other previews of it report BranchConflict; of the
 * claimants, as many as the plan allows are Ready for the commit their spec names (Deployment
 * available with that commit, Service, the seed Job of the status's fingerprint succeeded) and the
 * others wait with DeploymentLimitExceeded and own nothing; every child has a live owner (the garbage
 * collector has run). {@link #problems} lists what is not so yet.
 */
final class Convergence {
    private Convergence() {}

    static List<String> problems(KubernetesClient admin, String ns, int limit) {
        List<String> problems = new ArrayList<>();
        List<PreviewDeployment> previews =
                admin.resources(PreviewDeployment.class).inNamespace(ns).list().getItems();
        List<Deployment> deployments = managed(admin.apps()
                .deployments()
                .inNamespace(ns)
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .list()
                .getItems());
        List<Service> services = admin.services()
                .inNamespace(ns)
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .list()
                .getItems();
        List<Job> jobs = admin.batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withLabel(PreviewNames.LABEL_MANAGED_BY, PreviewNames.MANAGED_BY)
                .list()
                .getItems();
        Set<String> uids = previews.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());

        Map<String, List<PreviewDeployment>> byBranch = new TreeMap<>();
        for (PreviewDeployment p : previews) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
                problems.add(p.getMetadata().getName() + " is still being deleted");
                continue;
            }
            if (p.getStatus() == null
                    || !Objects.equals(
                            p.getStatus().getObservedGeneration(),
                            p.getMetadata().getGeneration())) {
                problems.add(p.getMetadata().getName() + " has no status for generation "
                        + p.getMetadata().getGeneration());
                continue;
            }
            byBranch.computeIfAbsent(p.getSpec().getBranch(), b -> new ArrayList<>())
                    .add(p);
        }
        List<PreviewDeployment> claimants = new ArrayList<>();
        byBranch.forEach((branch, same) -> {
            List<PreviewDeployment> claiming =
                    same.stream().filter(p -> !conflicting(p)).toList();
            if (claiming.size() != 1) {
                problems.add("branch " + branch + " has " + claiming.size() + " claimants among " + names(same));
            }
            claimants.addAll(claiming);
        });
        List<PreviewDeployment> ready = claimants.stream()
                .filter(p -> p.getStatus().getPhase() == Phase.Ready)
                .toList();
        List<PreviewDeployment> waiting = claimants.stream()
                .filter(p -> p.getStatus().getPhase() == Phase.LimitExceeded)
                .toList();
        if (ready.size() != Math.min(claimants.size(), limit) || ready.size() + waiting.size() != claimants.size()) {
            problems.add(ready.size() + " Ready and " + waiting.size() + " waiting of " + claimants.size()
                    + " claimants under a limit of " + limit + ": " + phases(claimants));
        }
        for (PreviewDeployment p : ready) {
            problems.addAll(readyProblems(p, deployments, services, jobs));
        }
        Set<String> ownsNothing = previews.stream()
                .filter(p -> !ready.contains(p))
                .map(p -> p.getMetadata().getUid())
                .collect(Collectors.toSet());
        Stream.of(deployments, services, jobs).flatMap(List::stream).forEach(child -> {
            String owner = owner(child, PreviewDeployment.KIND);
            if (owner == null || !uids.contains(owner)) {
                problems.add(
                        child.getKind() + " " + child.getMetadata().getName() + " has no live preview as its owner");
            } else if (ownsNothing.contains(owner)) {
                problems.add(child.getKind() + " " + child.getMetadata().getName()
                        + " belongs to a preview that is not Ready");
            }
        });
        problems.addAll(orphans(admin, ns));
        return problems;
    }

    /** What the namespace holds, one line an object, for a look after a failure. */
    static List<String> describe(KubernetesClient admin, String ns) {
        List<String> lines = new ArrayList<>();
        for (PreviewDeployment p :
                admin.resources(PreviewDeployment.class).inNamespace(ns).list().getItems()) {
            var s = p.getStatus();
            lines.add("preview " + p.getMetadata().getName() + " uid "
                    + p.getMetadata().getUid() + " created "
                    + p.getMetadata().getCreationTimestamp() + " branch "
                    + p.getSpec().getBranch() + " commit "
                    + p.getSpec().getCommit() + " generation " + p.getMetadata().getGeneration()
                    + (s == null
                            ? " no status"
                            : " | status: phase " + s.getPhase() + ", commit " + s.getCommit() + ", observed "
                                    + s.getObservedGeneration() + ", "
                                    + s.getConditions().stream()
                                            .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + " ("
                                                    + c.getMessage() + ")")
                                            .toList()));
        }
        Stream.of(
                        admin.apps().deployments().inNamespace(ns).list().getItems(),
                        admin.services().inNamespace(ns).list().getItems(),
                        admin.batch().v1().jobs().inNamespace(ns).list().getItems())
                .flatMap(List::stream)
                .forEach(o -> lines.add(o.getKind() + " " + o.getMetadata().getName() + " owner "
                        + owner(o, PreviewDeployment.KIND) + " labels "
                        + o.getMetadata().getLabels()
                        + (o.getMetadata().getDeletionTimestamp() == null ? "" : " deleting")));
        return lines;
    }

    private static List<String> readyProblems(
            PreviewDeployment p, List<Deployment> deployments, List<Service> services, List<Job> jobs) {
        List<String> problems = new ArrayList<>();
        String name = p.getMetadata().getName();
        String uid = p.getMetadata().getUid();
        String commit = p.getSpec().getCommit();
        if (!commit.equals(p.getStatus().getCommit())) {
            problems.add(name + " is Ready for commit " + p.getStatus().getCommit() + ", its spec names " + commit);
        }
        Deployment d = deployments.stream()
                .filter(x -> uid.equals(owner(x, PreviewDeployment.KIND)))
                .findFirst()
                .orElse(null);
        if (d == null
                || !commit.equals(d.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT))
                || d.getStatus() == null
                || d.getStatus().getAvailableReplicas() == null
                || d.getStatus().getAvailableReplicas() < 1) {
            problems.add(name + " is Ready without an available Deployment of commit " + commit);
        }
        if (services.stream().noneMatch(s -> uid.equals(owner(s, PreviewDeployment.KIND)))) {
            problems.add(name + " is Ready without its Service");
        }
        var seed = p.getStatus().getSeed();
        Job job = seed == null
                ? null
                : jobs.stream()
                        .filter(j -> j.getMetadata().getName().equals(seed.getJobName()))
                        .findFirst()
                        .orElse(null);
        if (job == null) {
            problems.add(name + " is Ready without its seed Job "
                    + (seed == null ? "(no seed in the status)" : seed.getJobName()));
        } else if (!Objects.equals(
                        job.getMetadata().getLabels().get(PreviewNames.LABEL_SEED_FINGERPRINT), seed.getFingerprint())
                || !commit.equals(job.getMetadata().getLabels().get(PreviewNames.LABEL_COMMIT))
                || job.getStatus() == null
                || job.getStatus().getSucceeded() == null
                || job.getStatus().getSucceeded() < 1) {
            problems.add(name + " is Ready, but seed Job " + job.getMetadata().getName()
                    + " did not succeed for commit " + commit + " and fingerprint " + seed.getFingerprint());
        }
        return problems;
    }

    /** ReplicaSets and Pods whose owner is gone: the garbage collector has still to run. */
    private static List<String> orphans(KubernetesClient admin, String ns) {
        List<ReplicaSet> sets =
                admin.apps().replicaSets().inNamespace(ns).list().getItems();
        Set<String> deployments = admin.apps().deployments().inNamespace(ns).list().getItems().stream()
                .map(d -> d.getMetadata().getUid())
                .collect(Collectors.toSet());
        Set<String> podOwners = admin.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .map(j -> j.getMetadata().getUid())
                .collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (ReplicaSet rs : sets) {
            if (!deployments.contains(owner(rs, "Deployment"))) {
                problems.add("ReplicaSet " + rs.getMetadata().getName() + " outlived its Deployment");
            } else {
                podOwners.add(rs.getMetadata().getUid());
            }
        }
        for (Pod pod : admin.pods().inNamespace(ns).list().getItems()) {
            String owner = pod.getMetadata().getOwnerReferences() == null
                            || pod.getMetadata().getOwnerReferences().isEmpty()
                    ? null
                    : pod.getMetadata().getOwnerReferences().get(0).getUid();
            if (!podOwners.contains(owner)) {
                problems.add("Pod " + pod.getMetadata().getName() + " outlived its owner");
            }
        }
        return problems;
    }

    private static boolean conflicting(PreviewDeployment p) {
        return p.getStatus()
                .condition(PROVISIONED)
                .map(c -> "BranchConflict".equals(c.getReason()))
                .orElse(false);
    }

    private static <T extends HasMetadata> List<T> managed(List<T> items) {
        return items;
    }

    static String owner(HasMetadata child, String kind) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        if (refs == null) return null;
        return refs.stream()
                .filter(r -> kind.equals(r.getKind()))
                .map(OwnerReference::getUid)
                .findFirst()
                .orElse(null);
    }

    private static List<String> names(List<PreviewDeployment> previews) {
        return previews.stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private static String phases(List<PreviewDeployment> previews) {
        return previews.stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName() + "=" + p.getStatus().getPhase())
                .collect(Collectors.joining(", "));
    }

    static Duration bound() {
        return Duration.ofMinutes(3);
    }
}
