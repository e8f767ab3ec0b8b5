package dev.previews.e2e;

import static dev.previews.e2e.E2EEnvironment.POLL;
import static dev.previews.e2e.E2EEnvironment.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.policy.OperatorConfig;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.assertj.core.api.Assertions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario's namespace, and what a user would look at in it with kubectl (previews, their
 * Deployments, Services, Jobs, Pods, Events), read with the admin client.
 */
public final class TestNamespace implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestNamespace.class);
    public static final String TIER_LABEL = "e2e.previews.dev/tier";

    private final E2EEnvironment env;
    private final KubernetesClient admin;
    private final String name;

    private TestNamespace(E2EEnvironment env, String name) {
        this.env = env;
        this.admin = env.admin();
        this.name = name;
    }

    static TestNamespace create(E2EEnvironment env, String scenario, String plan) {
        String name = ("e2e-" + scenario + "-"
                        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)))
                .toLowerCase(Locale.ROOT);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(TIER_LABEL, "true");
        if (plan != null) labels.put(OperatorConfig.PLAN_LABEL, plan);
        env.admin()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .create();
        // Pods are admitted only once the namespace's default ServiceAccount exists (the controller makes it).
        await("ServiceAccount default in " + name)
                .atMost(WAIT)
                .pollInterval(POLL)
                .until(() -> env.admin()
                                .serviceAccounts()
                                .inNamespace(name)
                                .withName("default")
                                .get()
                        != null);
        env.kubelet().adopt(name);
        return new TestNamespace(env, name);
    }

    public String name() {
        return name;
    }

    public MixedOperation<PreviewDeployment, KubernetesResourceList<PreviewDeployment>, Resource<PreviewDeployment>>
            previews() {
        return admin.resources(PreviewDeployment.class);
    }

    public PreviewDeployment create(PreviewDeployment preview) {
        preview.getMetadata().setNamespace(name);
        return previews().inNamespace(name).resource(preview).create();
    }

    public PreviewDeployment get(String preview) {
        return previews().inNamespace(name).withName(preview).get();
    }

    public Resource<PreviewDeployment> preview(String preview) {
        return previews().inNamespace(name).withName(preview);
    }

    /** Waits (bounded) until the preview passes the assertions; the last failure is the timeout's message. */
    public PreviewDeployment awaitPreview(String preview, Consumer<PreviewDeployment> assertions) {
        return awaitPreview(preview, WAIT, assertions);
    }

    public PreviewDeployment awaitPreview(String preview, Duration atMost, Consumer<PreviewDeployment> assertions) {
        List<PreviewDeployment> seen = new ArrayList<>(1);
        await("preview " + name + "/" + preview)
                .atMost(atMost)
                .pollInterval(POLL)
                .untilAsserted(() -> {
                    PreviewDeployment p = get(preview);
                    Assertions.assertThat(p).as("preview %s/%s", name, preview).isNotNull();
                    assertions.accept(p);
                    seen.clear();
                    seen.add(p);
                });
        return seen.get(0);
    }

    public void awaitGone(String what, Callable<Object> read) {
        await(what + " gone").atMost(WAIT).pollInterval(POLL).until(() -> read.call() == null);
    }

    public Deployment deployment(String preview) {
        return admin.apps().deployments().inNamespace(name).withName(preview).get();
    }

    public Service service(String preview) {
        return admin.services().inNamespace(name).withName(preview).get();
    }

    public Ingress ingress(String preview) {
        return admin.network()
                .v1()
                .ingresses()
                .inNamespace(name)
                .withName(preview)
                .get();
    }

    public List<Job> jobs(String preview) {
        return admin.batch()
                .v1()
                .jobs()
                .inNamespace(name)
                .withLabel(PreviewNames.LABEL_INSTANCE, preview)
                .list()
                .getItems();
    }

    public List<ReplicaSet> replicaSets(String preview) {
        return admin.apps()
                .replicaSets()
                .inNamespace(name)
                .withLabel(PreviewNames.LABEL_INSTANCE, preview)
                .list()
                .getItems();
    }

    public List<Pod> pods(String preview) {
        return admin.pods()
                .inNamespace(name)
                .withLabel(PreviewNames.LABEL_INSTANCE, preview)
                .list()
                .getItems();
    }

    /** The preview's Events, oldest first (kubectl describe pd). */
    public List<Event> events(String preview) {
        return admin.v1().events().inNamespace(name).list().getItems().stream()
                .filter(e -> preview.equals(e.getInvolvedObject().getName())
                        && PreviewDeployment.KIND.equals(e.getInvolvedObject().getKind()))
                .sorted(Comparator.comparing((Event e) -> String.valueOf(e.getLastTimestamp())))
                .toList();
    }

    public List<String> eventReasons(String preview) {
        return events(preview).stream()
                .map(e -> e.getType() + " " + e.getReason())
                .toList();
    }

    /**
     * Waits (bounded) until the preview's Events include these ("Normal Provisioned"): the operator
     * writes Events off the reconcile, shortly after the transition the status already shows.
     */
    public List<Event> awaitEvents(String preview, String... typeAndReason) {
        await(preview + " Events " + String.join(", ", typeAndReason))
                .atMost(WAIT)
                .pollInterval(POLL)
                .until(() -> eventReasons(preview).containsAll(List.of(typeAndReason)));
        return events(preview);
    }

    /**
     * Deletes the namespace and waits (bounded) until the namespace controller has removed it; the
     * operator must not have failed a reconcile meanwhile (the controller deletes children before their
     * previews, and the API server refuses new objects in the namespace).
     */
    @Override
    public void close() {
        env.retire(name);
        int failedBefore = env.failedReconciles(name).size();
        try {
            admin.namespaces().withName(name).delete();
            await("namespace " + name + " deleted")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.namespaces().withName(name).get() == null);
            List<String> failed = env.failedReconciles(name);
            assertThat(failed.subList(failedBefore, failed.size()))
                    .as("reconciles that failed while namespace %s was deleted", name)
                    .isEmpty();
        } catch (RuntimeException e) {
            log.warn("namespace {} was not removed: {}", name, e.toString());
        } finally {
            env.kubelet().release(name);
        }
    }
}
